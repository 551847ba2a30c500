import { advance, COOKIE_URL, fakeRelay, MINUTE, startSession, setupSessionClock } from '../__testUtils__/backendSessionKit';

setupSessionClock();

describe('startBackendSession', () => {
  it("gets the cookie with the user's token, and deletes none (Backstage's protected mode shares it)", async () => {
    const relay = fakeRelay([200]);
    const { session, warn } = startSession(relay);
    await session.ready;
    expect(relay.requests).toEqual([
      { method: 'GET', url: COOKIE_URL, authorization: 'Bearer user-token', credentials: 'include' },
    ]);
    expect(session.state()).toEqual({ kind: 'active', expiresAt: Date.parse('2026-12-02T13:00:00Z'), shortLived: 0 });
    expect(warn).not.toHaveBeenCalled();
    session.stop();
  });

  it('refreshes 1 to 4 minutes before the cookie expires (random), with a GET only', async () => {
    const relay = fakeRelay([200]);
    const { session } = startSession(relay, { random: () => 0.5 }); // lead 2.5 min
    await session.ready;
    await advance(57.5 * MINUTE - 1);
    expect(relay.gets()).toBe(1);
    await advance(1);
    expect(relay.gets()).toBe(2);
    // The next one follows from the new cookie's expiry, and so on for as long as the page lives.
    await advance(57.5 * MINUTE);
    expect(relay.gets()).toBe(3);
    session.stop();
    await advance(120 * MINUTE);
    expect(relay.gets()).toBe(3);
  });

  it('retries a failed attempt after 5 s, doubling up to 5 min, warns once, and is ready only once it has the cookie', async () => {
    const relay = fakeRelay([503, 'network', 401, 503, 503, 503, 503, 503, 503, 200]);
    const { session, warn } = startSession(relay);
    let ready = false;
    void session.ready.then(() => (ready = true));
    await advance(0);
    expect(session.state()).toEqual({ kind: 'retrying', failures: 1 });
    expect(ready).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain(`(${COOKIE_URL}): answered 503`);
    const at: number[] = [];
    const started = Date.now();
    while (session.state().kind !== 'active') {
      const before = relay.gets();
      await advance(5000); // every wait is a multiple of 5 s
      if (relay.gets() > before) at.push((Date.now() - started) / 1000);
    }
    // 5, 10, 20, 40, 80, 160, 300, 300, 300 s apart
    expect(at).toEqual([5, 15, 35, 75, 155, 315, 615, 915, 1215]);
    expect(warn).toHaveBeenCalledTimes(1);
    await advance(0);
    expect(ready).toBe(true);
    session.stop();
  });

  it('without a token it asks nothing of the relay, warns, and tries again later', async () => {
    const relay = fakeRelay([200]);
    const credentials: { token?: string } = {};
    const { session, warn } = startSession(relay, { getCredentials: async () => ({ ...credentials }) });
    await advance(0);
    expect(relay.requests).toEqual([]);
    expect(warn.mock.calls[0][0]).toContain('the signed-in user has no Backstage token');
    expect(warn.mock.calls[0][0]).toContain('until the user signs in again');
    expect(warn.mock.calls[0][0]).not.toContain('until it works');
    credentials.token = 'late-token';
    await advance(5000);
    expect(session.state().kind).toBe('active');
    expect(relay.requests.at(-1)?.authorization).toBe('Bearer late-token');
    session.stop();
  });

  it('never puts the token in a warning, whatever fails', async () => {
    const relay = fakeRelay([200]);
    const { session, warn } = startSession(relay, {
      getCredentials: async () => ({ token: 'secret-token' }),
      fetch: async () => {
        throw new Error('secret-token rejected');
      },
    });
    await advance(0);
    expect(warn).toHaveBeenCalled();
    expect(JSON.stringify(warn.mock.calls)).not.toContain('secret-token');
    session.stop();
  });

  it('is not ready while no cookie came: the user still on the sign-in page, or the relay not answering', async () => {
    // Until then a call would go out with another user's cookie (whoever signed in before in this browser).
    const signIn = new Promise<{ token: string }>(() => {});
    for (const overrides of [{ getCredentials: () => signIn }, {}]) {
      const { session } = startSession(fakeRelay(['hang']), overrides);
      let ready = false;
      void session.ready.then(() => (ready = true));
      await advance(10 * MINUTE);
      expect(ready).toBe(false);
      expect(session.state().kind).not.toBe('active');
      session.stop();
    }
  });

  it('a request the relay never answers fails after 30 s and is retried: one that hangs does not stop analytics', async () => {
    const relay = fakeRelay(['hang', 200]);
    const { session, warn } = startSession(relay);
    let ready = false;
    void session.ready.then(() => (ready = true));
    await advance(30_000);
    expect(session.state()).toEqual({ kind: 'retrying', failures: 1 });
    expect(warn.mock.calls[0][0]).toContain('no answer within 30 s');
    await advance(5000);
    expect(relay.gets()).toBe(2);
    expect(session.state().kind).toBe('active');
    expect(ready).toBe(true);
    session.stop();
  });

  it('refreshes at once when a refresh is due but its timer ran late (a hidden or sleeping page)', async () => {
    const relay = fakeRelay([200]);
    const { session } = startSession(relay);
    await session.ready;
    session.refreshIfDue();
    await advance(0);
    expect(relay.gets()).toBe(1); // not due yet
    // The clock jumps (the machine slept) without the timer having fired.
    jest.setSystemTime(Date.now() + 59 * MINUTE);
    session.refreshIfDue();
    await advance(0);
    expect(relay.gets()).toBe(2);
    session.stop();
  });

  it('an answer without a valid expiresAt is a failure', async () => {
    const { session, warn } = startSession(fakeRelay([200]), {
      fetch: async () => ({ ok: true, status: 200, json: async () => ({ expiresAt: 'soon' }) }),
    });
    await advance(0);
    expect(session.state()).toEqual({ kind: 'retrying', failures: 1 });
    expect(warn.mock.calls[0][0]).toContain('without a valid expiresAt');
    session.stop();
  });
});
