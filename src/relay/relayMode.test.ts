import { ConfigReader } from '@backstage/config';
import type { IdentityApi } from '@backstage/core-plugin-api';
import { readSegmentConfig } from '../config/readSegmentConfig';
import { EnabledSegmentConfig } from '../config/SegmentConfig';
import { startRelayMode } from './relayMode';

function configOf(segment: Record<string, any>): EnabledSegmentConfig {
  const config = readSegmentConfig(
    new ConfigReader({ app: { analytics: { segment } }, backend: { baseUrl: 'http://127.0.0.1:9' } }),
  );
  if (!config.enabled) throw new Error('expected an enabled config');
  return config;
}

const identityApi = { getCredentials: jest.fn(async () => ({ token: 't' })) } as unknown as IdentityApi;

describe('startRelayMode', () => {
  let fetchSpy: jest.SpyInstance;
  beforeEach(() => {
    fetchSpy = jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in this test'));
  });
  afterEach(() => fetchSpy.mockRestore());

  it('direct delivery: nothing to start, nothing said', () => {
    const logger = { warn: jest.fn(), info: jest.fn() };
    expect(startRelayMode(configOf({ writeKey: 'wk' }), identityApi, logger)).toEqual({});
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('without an identity API the module stays off, with one warning (the backend accepts signed-in users only)', () => {
    const logger = { warn: jest.fn(), info: jest.fn() };
    expect(startRelayMode(configOf({ delivery: 'backend' }), undefined, logger)).toBeUndefined();
    expect(logger.warn.mock.calls).toEqual([[expect.stringContaining('no identityApi')]]);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('names the keys set in vain, once', () => {
    const logger = { warn: jest.fn(), info: jest.fn() };
    startRelayMode(configOf({ delivery: 'backend', writeKey: 'wk', groups: true, testMode: true }), identityApi, logger);
    expect(logger.warn.mock.calls).toEqual([[expect.stringMatching(/no effect.*: writeKey, groups$/)]]);
  });

  it('test mode touches no network: no session cookie is asked for', async () => {
    const logger = { warn: jest.fn(), info: jest.fn() };
    expect(startRelayMode(configOf({ delivery: 'backend', testMode: true }), identityApi, logger)).toEqual({});
    await Promise.resolve();
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(identityApi.getCredentials).not.toHaveBeenCalled();
  });

  describe('a session started later in the page (analytics switched on then)', () => {
    const ALICE = 'user:default/alice';
    const newest = () => `backstage-segment:${configOf({ delivery: 'backend' }).writeKey}:relay-user`;
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => {
      jest.useRealTimers();
      localStorage.clear();
    });
    /** Alice's page loads (another page's user recorded before it, if `before`), its user known at once. */
    async function alicesPage(before?: string) {
      if (before) localStorage.setItem(newest(), before);
      const mode = startRelayMode(configOf({ delivery: 'backend' }), identityApi, { warn: jest.fn(), info: jest.fn() })!;
      mode.followUser!(Promise.resolve(ALICE));
      await jest.advanceTimersByTimeAsync(10);
      return mode;
    }
    const asked = () => fetchSpy.mock.calls.length;

    it("another person's page loaded in another tab since this one: their cookie is not taken, until this user's is the newest page again", async () => {
      const mode = await alicesPage();
      localStorage.setItem(newest(), 'user:default/bob');
      mode.session!();
      await jest.advanceTimersByTimeAsync(120_000);
      expect(asked()).toBe(0);
      localStorage.setItem(newest(), ALICE); // Alice loads the app in another tab
      await jest.advanceTimersByTimeAsync(60_000);
      expect(asked()).toBeGreaterThan(0);
      mode.stop!();
    });

    it('whoever loaded a page before this one (the browser used before): asked for at once', async () => {
      const mode = await alicesPage('user:default/carol');
      expect(localStorage.getItem(newest())).toBe(ALICE);
      mode.session!();
      for (let i = 0; i < 20 && asked() < 1; i++) await jest.advanceTimersByTimeAsync(10);
      expect(asked()).toBe(1);
      mode.stop!();
    });
  });

  it('asked for once a delivery starts a session; stopped (the instance gave its write key up, analytics switched off): no longer', async () => {
    jest.useFakeTimers();
    try {
      const logger = { warn: jest.fn(), info: jest.fn() };
      const mode = startRelayMode(configOf({ delivery: 'backend' }), identityApi, logger)!;
      const asked = () => fetchSpy.mock.calls.length;
      // Nothing asked before a delivery starts a session (the user's choice may be no).
      await jest.advanceTimersByTimeAsync(60_000);
      expect(asked()).toBe(0);
      mode.session!();
      for (let i = 0; i < 20 && asked() < 1; i++) await jest.advanceTimersByTimeAsync(10);
      expect(asked()).toBe(1);
      // Refused (no network here): asked again after a while, until stopped.
      await jest.advanceTimersByTimeAsync(5 * 60_000);
      const before = asked();
      expect(before).toBeGreaterThan(1);
      mode.stop!();
      await jest.advanceTimersByTimeAsync(0);
      await jest.advanceTimersByTimeAsync(60 * 60_000);
      expect(asked()).toBe(before);
    } finally {
      jest.useRealTimers();
    }
  });
});

