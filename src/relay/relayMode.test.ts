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

  it('stopped (the instance gave its write key up to a later one): the cookie is no longer asked for', async () => {
    jest.useFakeTimers();
    try {
      const logger = { warn: jest.fn(), info: jest.fn() };
      const mode = startRelayMode(configOf({ delivery: 'backend' }), identityApi, logger)!;
      const asked = () => fetchSpy.mock.calls.length;
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


describe('startRelayMode: another person signed in in another tab', () => {
  let fetchSpy: jest.SpyInstance;
  beforeEach(() => {
    jest.useFakeTimers();
    fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(
      async () => ({ ok: true, status: 200, json: async () => ({ expiresAt: new Date(Date.now() + 15 * 60_000).toISOString() }) }) as Response,
    );
    localStorage.clear();
    for (const cookie of document.cookie.split(';')) document.cookie = `${cookie.split('=')[0].trim()}=; max-age=0; path=/`;
  });
  afterEach(() => {
    fetchSpy.mockRestore();
    jest.useRealTimers();
  });

  /** Alice's page gets its cookie, then `elsewhere` happens; how many cookie requests the page made in the next hour. */
  async function cookieRequests(segment: Record<string, unknown>, elsewhere: () => void) {
    const mode = startRelayMode(configOf({ delivery: 'backend', ...segment }), identityApi, { warn: jest.fn(), info: jest.fn() })!;
    mode.followUser!(Promise.resolve('alice-id'));
    await jest.advanceTimersByTimeAsync(100);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    elsewhere();
    await jest.advanceTimersByTimeAsync(60 * 60_000);
    mode.stop!();
    return fetchSpy.mock.calls.length;
  }

  it("Bob signed in (the library stored his id): Alice's page asks for no cookie with her token, which would replace his", async () => {
    expect(await cookieRequests({}, () => localStorage.setItem('ajs_user_id', JSON.stringify('bob-id')))).toBe(1);
  });

  it('the same user signed in again: the cookie is kept fresh', async () => {
    expect(await cookieRequests({}, () => localStorage.setItem('ajs_user_id', JSON.stringify('alice-id')))).toBeGreaterThan(2);
  });

  it("agent.disableCookies: another site's ajs_user_id cookie on the domain is not another user of this app", async () => {
    const otherSite = () => (document.cookie = `ajs_user_id=${encodeURIComponent(JSON.stringify('someone@else'))}; path=/`);
    expect(await cookieRequests({ agent: { disableCookies: true } }, otherSite)).toBeGreaterThan(2);
  });
});
