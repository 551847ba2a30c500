import { ConfigReader } from '@backstage/config';
import { SegmentAnalytics } from './SegmentAnalytics';
import { TITLE_WAIT_MS } from './mapping/pageHistory';
import { userIdentity } from './__testUtils__/identityApis';

// Modes that must never load the library nor touch the network: any fetch
// or XHR would be a failure here.

const context = { routeRef: 'home', pluginId: 'app', extension: 'App' };
const identityApi = userIdentity('user:default/guest', { ownershipEntityRefs: [] });

function fromSegment(segment: object, options = {}) {
  return SegmentAnalytics.fromConfig(new ConfigReader({ app: { analytics: { segment } } }), options);
}

// Delivery flushes after the next frame, or within 100 ms where frames do not run (fake timers: no real wait).
const settle = () => jest.advanceTimersByTimeAsync(250);

let fetchSpy: jest.SpyInstance;
let xhrOpen: jest.SpyInstance;
let info: jest.SpyInstance;
let warn: jest.SpyInstance;
beforeEach(() => {
  jest.useFakeTimers();
  fetchSpy = jest.spyOn(globalThis, 'fetch');
  xhrOpen = jest.spyOn(XMLHttpRequest.prototype, 'open');
  info = jest.spyOn(console, 'info').mockImplementation(() => {});
  warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('SegmentAnalytics', () => {
  it('in test mode logs each call it would send, in order, and makes no request', async () => {
    const analytics = fromSegment({ testMode: true }, { identityApi });
    analytics.captureEvent({ action: 'navigate', subject: '/catalog', context });
    analytics.captureEvent({ action: 'click', subject: 'link', context });
    // A page call waits (at most TITLE_WAIT_MS) for its page to set its title; jsdom's never changes.
    await jest.advanceTimersByTimeAsync(TITLE_WAIT_MS + 300);

    const lines = info.mock.calls.map(call => String(call[0]));
    expect(lines).toEqual([
      '[segment test mode] identify("user:default/guest")',
      '[segment test mode] analytics.page()',
      '[segment test mode] analytics.track("click")',
    ]);
    expect(info.mock.calls[2][1]).toMatchObject({ subject: 'link', action: 'click' });
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(xhrOpen).not.toHaveBeenCalled();
  });

  it('when disabled, needs no write key and does nothing at all', async () => {
    const analytics = fromSegment({ enabled: false }, { identityApi });
    analytics.captureEvent({ action: 'click', subject: 'x', context });
    await settle();
    expect(info).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(xhrOpen).not.toHaveBeenCalled();
  });

  it('in debug mode logs every captured event', async () => {
    const analytics = fromSegment({ testMode: true, debug: true });
    const event = { action: 'search', subject: 'docs', context };
    analytics.captureEvent(event);
    await settle();
    expect(info).toHaveBeenCalledWith('[segment] captured', event);
  });

  it('rejects an invalid config at construction, naming the key', () => {
    jest.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => fromSegment({})).toThrow(/app\.analytics\.segment\.writeKey/);
    expect(() => fromSegment({ writeKey: 'k', region: 'mars' })).toThrow(
      /app\.analytics\.segment\.region: expected 'us' or 'eu'/,
    );
  });

  it('captureEvent is synchronous, returns nothing and never throws', () => {
    const analytics = fromSegment({ testMode: true });
    const hostile = {
      action: 'click',
      subject: 'x',
      get context(): any {
        throw new Error('broken context');
      },
    };
    expect(analytics.captureEvent(hostile as any)).toBeUndefined();
    expect(analytics.captureEvent(hostile as any)).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(analytics.captureEvent({ action: 'click', subject: 'y', context })).toBeUndefined();
  });

  it('does not wait for identity on the caller stack, nor hash there', () => {
    const getBackstageIdentity = jest.fn(identityApi.getBackstageIdentity);
    const digest = jest.spyOn(crypto.subtle, 'digest');
    const analytics = fromSegment(
      { testMode: true, userIdTransform: 'sha-256' },
      { identityApi: { ...identityApi, getBackstageIdentity } },
    );
    try {
      digest.mockClear();
      analytics.captureEvent({ action: 'click', subject: 'x', context });
      expect(digest).not.toHaveBeenCalled();
    } finally {
      digest.mockRestore(); // a spy on the real digest (it still hashes), restored for the tests after
    }
  });
});
