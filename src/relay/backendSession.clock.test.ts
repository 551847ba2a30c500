import { CookieResponse, startBackendSession } from './backendSession';
import { wallClockScheduler } from '../__testUtils__/fakeTime';

const MINUTE = 60_000;
const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

/**
 * A relay whose cookies last an hour by its own clock, `skewMs` ahead of
 * the browser's (negative: behind); counts the cookie requests.
 */
function relayWithClock(skewMs = 0, lifeMs = () => 60 * MINUTE, status = () => 200) {
  let requests = 0;
  const fetch = jest.fn(async (): Promise<CookieResponse> => {
    requests++;
    const expiresAt = new Date(Date.now() + skewMs + lifeMs()).toISOString();
    return { ok: status() < 300, status: status(), json: async () => ({ expiresAt }) };
  });
  const warn = jest.fn();
  const session = startBackendSession({
    relayUrl: 'https://backstage.example.com/api/segment-analytics',
    getCredentials: async () => ({ token: 'user-token' }),
    fetch,
    scheduler: wallClockScheduler,
    random: () => 0.5,
    warn,
  });
  return { session, warn, requests: () => requests };
}

/** The wall clock steps by `ms` while timers (which run on a monotonic clock) do not move. */
const stepWallClock = (ms: number) => jest.setSystemTime(Date.now() + ms);

describe('the relay cookie when the wall clock steps', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(new Date('2026-12-05T12:00:00Z'));
  });
  afterEach(() => jest.useRealTimers());

  it('forward past the refresh, its timer not run (the computer slept, the page stayed visible): a 401 gets a cookie within 10 s', async () => {
    const relay = relayWithClock();
    await relay.session.ready;
    await advance(10 * MINUTE);
    stepWallClock(2 * 60 * MINUTE);
    relay.session.refused();
    await advance(10_000);
    expect(relay.requests()).toBe(2);
  });

  it('back a day: a 401 still gets a cookie within 10 s (not a day later), and the refreshes go on', async () => {
    const relay = relayWithClock();
    await relay.session.ready;
    await advance(10 * MINUTE);
    stepWallClock(-24 * 60 * MINUTE);
    relay.session.refused();
    await advance(10_000);
    expect(relay.requests()).toBe(2);
    await advance(60 * MINUTE);
    expect(relay.requests()).toBe(3);
  });

  it("a browser clock ahead of the backend's by more than the cookie's life: asked for as a failure is retried (5 s doubling up to 5 min), 401s or not, with one warning", async () => {
    const relay = relayWithClock(-2 * 60 * MINUTE);
    await relay.session.ready;
    for (let i = 0; i < 20; i++) {
      relay.session.refused();
      await advance(30_000);
    }
    // 10 minutes: 5, 10, 20, 40, 80, 160, 300 s apart (every 10 s before: 60).
    expect(relay.requests()).toBe(7);
    await advance(60 * MINUTE);
    expect(relay.requests()).toBe(19);
    expect(relay.warn).toHaveBeenCalledTimes(1);
    expect(relay.warn.mock.calls[0][0]).toMatch(/expired 3600 s ago by this browser's clock, which may be ahead of the backend's/);
    expect(relay.session.state()).toMatchObject({ kind: 'active' });
  });

  it('a browser clock ahead, in step again, then ahead again: one warning for the page, not one each time', async () => {
    let ahead = true;
    const relay = relayWithClock(0, () => (ahead ? -60 * MINUTE : 60 * MINUTE));
    await relay.session.ready;
    ahead = false;
    await advance(10_000); // asked again 5 s later: a cookie for an hour
    expect(relay.requests()).toBe(2);
    ahead = true;
    await advance(2 * 60 * MINUTE); // refreshed before it expires: already expired by this browser's clock
    expect(relay.requests()).toBeGreaterThan(2);
    expect(relay.warn).toHaveBeenCalledTimes(1);
  });

  it("clocks in step, a cookie near its end (Backstage's, expiring with the user's token): asked for again 10 s later, no warning", async () => {
    const relay = relayWithClock(0, () => 2 * MINUTE);
    await relay.session.ready;
    await advance(10_000);
    expect(relay.requests()).toBe(2);
    expect(relay.warn).not.toHaveBeenCalled();
  });

  it('a browser clock ahead, then the relay failing: a warning for each (the first does not hide the second)', async () => {
    let failing = false;
    const relay = relayWithClock(-2 * 60 * MINUTE, undefined, () => (failing ? 503 : 200));
    await relay.session.ready;
    failing = true;
    await advance(10 * MINUTE);
    expect(relay.warn.mock.calls.map(([message]) => message.slice(0, 60))).toEqual([
      expect.stringContaining('the session cookie of the backend relay'),
      expect.stringContaining('could not get the session cookie'),
    ]);
  });

  it("a browser clock ahead by less than the cookie's life: refreshed before it expires by this browser's clock, no warning", async () => {
    const relay = relayWithClock(-30 * MINUTE);
    await relay.session.ready;
    await advance(20 * MINUTE);
    expect(relay.requests()).toBe(1);
    await advance(10 * MINUTE);
    expect(relay.requests()).toBe(2);
    expect(relay.warn).not.toHaveBeenCalled();
  });
});
