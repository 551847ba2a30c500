import { AnalyticsBrowser } from '@segment/analytics-next';
import { readEnabled } from '../__testUtils__/configReading';
import { EnabledSegmentConfig } from '../config/SegmentConfig';
import { PageInfo } from '../mapping/SegmentCall';
import { identityKeptIn, toCallOptions, toLoadArguments, toStorageOptions } from './segmentOptions';
import { BrowserStorageState, StorageAccess } from './storageProbe';

/** The real config reader's result for `app.analytics.segment`. */
const configOf = (segment: Record<string, unknown>): EnabledSegmentConfig => readEnabled({ writeKey: 'wk', ...segment });

const page: PageInfo = {
  url: 'https://backstage.example.com/catalog?x=1',
  path: '/catalog',
  search: '?x=1',
  title: 'Catalog',
  referrer: 'https://backstage.example.com/',
};

describe('toLoadArguments', () => {
  it('the defaults: remote settings from the default CDN, the US endpoint over https', () => {
    expect(toLoadArguments(configOf({}))).toStrictEqual([
      { writeKey: 'wk', cdnURL: 'https://cdn.segment.com' },
      {
        useQueryString: false,
        globalAnalyticsKey: expect.stringMatching(/^__backstage/),
        disableClientPersistence: false,
        disableAutoISOConversion: false,
        integrations: { 'Segment.io': { apiHost: 'api.segment.io/v1', protocol: 'https', deliveryStrategy: { strategy: 'standard', config: { keepalive: false } } } },
      },
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['defaults', {}],
    ['local settings', { cdnSettings: 'local' }],
    ['batching', { batching: { size: 5 } }],
    ['test mode', { testMode: true }],
    ['every agent key on', { agent: { disableClientPersistence: true, initialPageView: true } }],
  ])('the query-string identity feature is always off (%s)', (_label, segment) => {
    expect(toLoadArguments(configOf(segment))[1].useQueryString).toBe(false);
  });

  it('remote settings: no cdnSettings, so the library fetches them', () => {
    const [settings] = toLoadArguments(configOf({ cdnSettings: 'remote' }));
    expect(settings).not.toHaveProperty('cdnSettings');
  });

  it("local settings: Segment.io's apiKey, apiHost and protocol are given, nothing is fetched", () => {
    const [settings, options] = toLoadArguments(
      configOf({ cdnSettings: 'local', apiHost: 'http://127.0.0.1:4000/v1/', writeKey: 'local-key' }),
    );
    expect(settings).toStrictEqual({
      writeKey: 'local-key',
      cdnURL: 'https://cdn.segment.com',
      cdnSettings: {
        integrations: {
          'Segment.io': { apiKey: 'local-key', apiHost: '127.0.0.1:4000/v1', protocol: 'http', deliveryStrategy: { strategy: 'standard', config: { keepalive: false } } },
        },
        metrics: { sampleRate: 0 },
      },
    });
    expect(options.integrations).toStrictEqual({ 'Segment.io': { apiHost: '127.0.0.1:4000/v1', protocol: 'http', deliveryStrategy: { strategy: 'standard', config: { keepalive: false } } } });
  });

  it('cdnURL passes through', () => {
    const [settings] = toLoadArguments(configOf({ cdnURL: 'https://cdn.proxy.example.com/' }));
    expect(settings.cdnURL).toBe('https://cdn.proxy.example.com');
  });

  it("Segment's CDN when none is configured, and a global of the module's own: a snippet's CDN is neither taken nor changed", () => {
    const [settings, options] = toLoadArguments(configOf({}));
    expect(settings.cdnURL).toBe('https://cdn.segment.com');
    expect(options.globalAnalyticsKey).toBeDefined();
    expect(options.globalAnalyticsKey).not.toBe('analytics');
  });

  it('batching becomes the batching delivery strategy with size and timeout', () => {
    const [, options] = toLoadArguments(configOf({ batching: { size: 25, timeoutMs: 2000 } }));
    expect(options.integrations?.['Segment.io']).toStrictEqual({
      apiHost: 'api.segment.io/v1',
      protocol: 'https',
      deliveryStrategy: { strategy: 'batching', config: { size: 25, timeout: 2000 } },
    });
  });

  it('batching with only a size gets the default timeout, and reaches local settings too', () => {
    const [settings, options] = toLoadArguments(configOf({ batching: { size: 3 }, cdnSettings: 'local' }));
    const strategy = { strategy: 'batching', config: { size: 3, timeout: 5000 } };
    expect((options.integrations?.['Segment.io'] as Record<string, unknown>).deliveryStrategy).toStrictEqual(strategy);
    expect(settings.cdnSettings?.integrations['Segment.io']).toMatchObject({ apiKey: 'wk', deliveryStrategy: strategy });
  });

  it('without batching the strategy is standard (one request per event), keepalive off until the page is left', () => {
    const [settings, options] = toLoadArguments(configOf({ cdnSettings: 'local' }));
    const strategy = { strategy: 'standard', config: { keepalive: false } };
    expect((options.integrations?.['Segment.io'] as Record<string, unknown>).deliveryStrategy).toStrictEqual(strategy);
    expect(settings.cdnSettings?.integrations['Segment.io']).toMatchObject({ deliveryStrategy: strategy });
  });

  it.each<[string, string, boolean]>([
    ['disableClientPersistence', 'disableClientPersistence', true],
    ['disableAutoISOConversion', 'disableAutoISOConversion', true],
    ['disableClientPersistence', 'disableClientPersistence', false],
    ['disableAutoISOConversion', 'disableAutoISOConversion', false],
  ])('agent.%s maps to the library option %s (%p)', (configKey, libraryKey, value) => {
    const [, options] = toLoadArguments(configOf({ agent: { [configKey]: value } }));
    expect(options).toHaveProperty(libraryKey, value);
  });

  it.each([true, false])("agent.initialPageView (%p) is not the library's: it sends no initial page call of its own", value => {
    const [, options] = toLoadArguments(configOf({ agent: { initialPageView: value } }));
    expect(options.initialPageview ?? false).toBe(false);
    expect(options).not.toHaveProperty('initialPageView');
  });

  it.each([
    ['us', 'api.segment.io/v1'],
    ['eu', 'events.eu1.segmentapis.com/v1'],
  ])('region %s sends to %s, in remote and local settings alike', (region, apiHost) => {
    const [, remote] = toLoadArguments(configOf({ region }));
    expect(remote.integrations?.['Segment.io']).toMatchObject({ apiHost, protocol: 'https' });
    const [local] = toLoadArguments(configOf({ region, cdnSettings: 'local' }));
    expect(local.cdnSettings?.integrations['Segment.io']).toMatchObject({ apiHost, protocol: 'https' });
  });

  it('an apiHost proxy wins over the region', () => {
    const [, options] = toLoadArguments(configOf({ region: 'eu', apiHost: 'https://seg.example.com/v1' }));
    expect(options.integrations?.['Segment.io']).toMatchObject({ apiHost: 'seg.example.com/v1', protocol: 'https' });
  });

  it('with local settings the real library loads without a single request', async () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('network is off in this test'));
    try {
      const [settings, options] = toLoadArguments(
        configOf({
          cdnSettings: 'local',
          // Both unreachable: anything fetched from them would fail the load.
          cdnURL: 'http://127.0.0.1:9',
          apiHost: 'http://127.0.0.1:9/v1',
          agent: { disableClientPersistence: true },
        }),
      );
      const [analytics] = await AnalyticsBrowser.load(settings, options);
      expect(analytics).toBeDefined();
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });
});

describe('toStorageOptions and identityKeptIn', () => {
  const usable: StorageAccess = { kind: 'usable' };
  const full: StorageAccess = { kind: 'readOnly', full: true, reason: 'QuotaExceededError' };
  const refused: StorageAccess = { kind: 'readOnly', full: false, reason: 'SecurityError' };
  const gone: StorageAccess = { kind: 'unavailable', reason: 'SecurityError' };
  const inMemory = { disableClientPersistence: true };

  it.each<[string, BrowserStorageState, object, ReturnType<typeof identityKeptIn>]>([
    ['both usable: the library defaults', { localStorage: usable, cookies: usable }, {}, 'library'],
    ['cookies throw: localStorage and memory only', { localStorage: usable, cookies: gone }, { storage: { stores: ['localStorage', 'memory'] } }, 'library'],
    ['cookies refuse writes: the same', { localStorage: usable, cookies: refused }, { storage: { stores: ['localStorage', 'memory'] } }, 'library'],
    ['localStorage full: the library in memory, the identity kept in cookies', { localStorage: full, cookies: usable }, inMemory, 'cookies'],
    ['localStorage refusing writes: the same', { localStorage: refused, cookies: usable }, inMemory, 'cookies'],
    ['localStorage unreachable: the same', { localStorage: gone, cookies: usable }, inMemory, 'cookies'],
    ['neither: everything in memory, kept nowhere', { localStorage: full, cookies: gone }, inMemory, undefined],
    ['neither, cookies refusing writes: the same', { localStorage: gone, cookies: refused }, inMemory, undefined],
  ])('%s', (_label, storage, expected, keptIn) => {
    expect(toStorageOptions(storage)).toStrictEqual(expected);
    expect(identityKeptIn(toLoadArguments(configOf({}), storage)[1], storage)).toBe(keptIn);
  });

  it('toLoadArguments merges them in; with disableClientPersistence set, the identity is kept nowhere', () => {
    const storage: BrowserStorageState = { localStorage: full, cookies: usable };
    expect(toLoadArguments(configOf({}), storage)[1]).toMatchObject(inMemory);
    const off = toLoadArguments(configOf({ agent: { disableClientPersistence: true } }))[1];
    expect(off.disableClientPersistence).toBe(true);
    expect(identityKeptIn(off, undefined)).toBeUndefined();
    expect(toLoadArguments(configOf({}), { localStorage: usable, cookies: usable })).toStrictEqual(toLoadArguments(configOf({})));
  });
});

describe('toCallOptions', () => {
  const timestamp = new Date('2024-03-04T05:06:07.089Z');

  it('passes the capture time and the page through', () => {
    expect(toCallOptions({ timestamp, page }, undefined, false)).toStrictEqual({ timestamp, context: { page } });
  });

  it('the timestamp is the very Date it was given', () => {
    expect(toCallOptions({ timestamp, page }, undefined, false).timestamp).toBe(timestamp);
  });

  it('userId is present only when given', () => {
    expect(toCallOptions({ timestamp, page }, 'u-123', false)).toStrictEqual({
      timestamp,
      userId: 'u-123',
      context: { page },
    });
    expect(toCallOptions({ timestamp, page }, undefined, false)).not.toHaveProperty('userId');
    expect(toCallOptions({ timestamp, page }, '', false)).not.toHaveProperty('userId');
  });

  it("maskIP puts context.ip '0.0.0.0' on every call", () => {
    expect(toCallOptions({ timestamp, page }, 'u', true)).toStrictEqual({
      timestamp,
      userId: 'u',
      context: { page, ip: '0.0.0.0' },
    });
    expect(toCallOptions({ timestamp }, 'u', true).context).toStrictEqual({ ip: '0.0.0.0' });
  });

  it('without maskIP there is no ip in the context', () => {
    expect(toCallOptions({ timestamp, page }, 'u', false).context).not.toHaveProperty('ip');
  });

  it('a call without a page (identify) has no page in its context', () => {
    expect(toCallOptions({ timestamp }, 'u', false)).toStrictEqual({ timestamp, userId: 'u', context: {} });
  });

  it('does not change the call it reads', () => {
    const call = Object.freeze({ timestamp, page: Object.freeze({ ...page }) });
    const options = toCallOptions(call, 'u', true);
    expect(options.context?.page).toStrictEqual(page);
    expect(call.page).toStrictEqual(page);
  });

  it('with the config read for maskIP', () => {
    const config = configOf({ maskIP: 'true' });
    expect(toCallOptions({ timestamp, page }, undefined, config.maskIP).context).toStrictEqual({
      page,
      ip: '0.0.0.0',
    });
  });
});
