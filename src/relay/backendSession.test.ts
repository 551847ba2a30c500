import { Scheduler } from '../time/scheduler';
import { BackendSessionOptions, CookieResponse, startBackendSession } from './backendSession';
import { wallClockScheduler } from '../__testUtils__/fakeTime';

const RELAY = 'https://backstage.example.com/api/segment-analytics';
const COOKIE_URL = `${RELAY}/.backstage/auth/v1/cookie`;
const MINUTE = 60_000;

const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

const fakeScheduler: Scheduler = wallClockScheduler;

/** A relay's cookie endpoint: answers in turn from `answers` (the last one repeats), records each request. */
function fakeRelay(answers: Array<number | 'network' | 'hang'>) {
  const requests: Array<{ method: string; url: string; authorization?: string; credentials?: string }> = [];
  let gets = 0;
  const fetch = jest.fn(async (url: string, init: RequestInit): Promise<CookieResponse> => {
    const headers = init.headers as Record<string, string>;
    requests.push({ method: String(init.method), url, authorization: headers.Authorization, credentials: init.credentials });
    const answer = answers[Math.min(gets++, answers.length - 1)];
    if (answer === 'network') throw new TypeError('Failed to fetch');
    if (answer === 'hang') return new Promise(() => {});
    const expiresAt = new Date(Date.now() + 60 * MINUTE).toISOString();
    return { ok: answer < 300, status: answer, json: async () => ({ expiresAt }) };
  });
  return { fetch, requests, gets: () => requests.filter(r => r.method === 'GET').length };
}

function start(relay: ReturnType<typeof fakeRelay>, overrides: Partial<BackendSessionOptions> = {}) {
  const warn = jest.fn();
  const session = startBackendSession({
    relayUrl: RELAY,
    getCredentials: async () => ({ token: 'user-token' }),
    fetch: relay.fetch,
    scheduler: fakeScheduler,
    random: () => 0.5,
    warn,
    ...overrides,
  });
  return { session, warn };
}

beforeEach(() => {
  jest.useFakeTimers();
  jest.setSystemTime(new Date('2026-12-02T12:00:00Z'));
});
afterEach(() => jest.useRealTimers());

describe('startBackendSession', () => {
  it("gets the cookie with the user's token, and deletes none (Backstage's protected mode shares it)", async () => {
    const relay = fakeRelay([200]);
    const { session, warn } = start(relay);
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
    const { session } = start(relay, { random: () => 0.5 }); // lead 2.5 min
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
    const { session, warn } = start(relay);
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
    const { session, warn } = start(relay, { getCredentials: async () => ({ ...credentials }) });
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
    const { session, warn } = start(relay, {
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
      const { session } = start(fakeRelay(['hang']), overrides);
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
    const { session, warn } = start(relay);
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
    const { session } = start(relay);
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
    const { session, warn } = start(fakeRelay([200]), {
      fetch: async () => ({ ok: true, status: 200, json: async () => ({ expiresAt: 'soon' }) }),
    });
    await advance(0);
    expect(session.state()).toEqual({ kind: 'retrying', failures: 1 });
    expect(warn.mock.calls[0][0]).toContain('without a valid expiresAt');
    session.stop();
  });

  it('the relay refusing a call (401: the cookie gone before its refresh) gets a cookie at once, or 10 s after the last attempt', async () => {
    const relay = fakeRelay([200]);
    const { session } = start(relay);
    await session.ready;
    session.refused(); // the cookie was just obtained: again 10 s after that attempt
    await advance(9_999);
    expect(relay.gets()).toBe(1);
    await advance(1);
    expect(relay.gets()).toBe(2);
    await advance(60_000);
    session.refused();
    session.refused();
    await advance(0);
    expect(relay.gets()).toBe(3);
    // The refresh before expiry still comes on time after that.
    await advance(57.5 * MINUTE);
    expect(relay.gets()).toBe(4);
    session.stop();
    session.refused();
    await advance(60_000);
    expect(relay.gets()).toBe(4);
  });

  it('a 401 tells of a problem once per cookie: not while the new cookie it asked for is still to come', async () => {
    const relay = fakeRelay([200]);
    const { session } = start(relay);
    await session.ready;
    expect(session.refused()).toBe(true);
    expect(session.refused()).toBe(false); // calls sent with the same cookie
    await advance(10_000);
    expect(relay.gets()).toBe(2);
    expect(session.refused()).toBe(true); // the new cookie refused too
    expect(session.refused()).toBe(false);
    session.stop();
    expect(session.refused()).toBe(true);
  });

  it("once another person has signed in to the browser (another tab), asks for no cookie, which would put this page's user's back: not for a 401, not for a refresh", async () => {
    const relay = fakeRelay([200]);
    let another = true; // at the start too: this page's own first cookie replaces the previous person's
    const { session } = start(relay, { anotherUserSignedIn: () => another });
    await session.ready;
    expect(relay.gets()).toBe(1);
    session.refused();
    await advance(10_000);
    await advance(60 * MINUTE);
    expect(relay.gets()).toBe(1);
    another = false; // this page's user signed in again in the other tab
    await advance(60_000);
    expect(relay.gets()).toBe(2);
  });

  it("stopped while its first request is on its way (the user switched analytics off), it asks for no cookie again: the user's token is not sent to the relay", async () => {
    let answer!: (response: CookieResponse) => void;
    const fetch = jest.fn((): Promise<CookieResponse> => new Promise(resolve => (answer = resolve)));
    const { session } = start({ fetch } as unknown as ReturnType<typeof fakeRelay>);
    await advance(10);
    expect(fetch).toHaveBeenCalledTimes(1);
    session.stop();
    answer({ ok: true, status: 200, json: async () => ({ expiresAt: new Date(Date.now() + 60 * MINUTE).toISOString() }) });
    await advance(3 * 60 * MINUTE);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(session.state()).toEqual({ kind: 'stopped' });
  });
});
