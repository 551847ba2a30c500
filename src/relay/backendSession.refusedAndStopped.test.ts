import { CookieResponse } from './backendSession';
import { advance, fakeRelay, MINUTE, startSession, setupSessionClock } from '../__testUtils__/backendSessionKit';

// A call the relay refused (401), another person signed in to the browser, the session stopped: when it asks for a cookie again.

setupSessionClock();

describe('startBackendSession', () => {
  it('the relay refusing a call (401: the cookie gone before its refresh) gets a cookie at once, or 10 s after the last attempt', async () => {
    const relay = fakeRelay([200]);
    const { session } = startSession(relay);
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
    const { session } = startSession(relay);
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
    const { session } = startSession(relay, { anotherUserSignedIn: () => another });
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
    const { session } = startSession({ fetch } as unknown as ReturnType<typeof fakeRelay>);
    await advance(10);
    expect(fetch).toHaveBeenCalledTimes(1);
    session.stop();
    answer({ ok: true, status: 200, json: async () => ({ expiresAt: new Date(Date.now() + 60 * MINUTE).toISOString() }) });
    await advance(3 * 60 * MINUTE);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(session.state()).toEqual({ kind: 'stopped' });
  });
});
