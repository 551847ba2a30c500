import type { AnalyticsBrowserSettings, InitOptions, Options } from '@segment/analytics-next';
import { EnabledSegmentConfig } from '../config/SegmentConfig';
import { SegmentCall } from '../mapping/SegmentCall';
import type { BrowserStorageState } from './storageProbe';
import { withRelayOptions } from './relayOptions';

/**
 * Segment's CDN, given to the library when no `cdnURL` is configured: left to
 * itself, the library would take the CDN of a Segment snippet on the same page
 * (`window.analytics._cdn`, or an `analytics.js` script tag's host).
 */
const SEGMENT_CDN = 'https://cdn.segment.com';

/**
 * The window property the library takes for its global (`analytics` by
 * default): one nothing sets, so that the library neither reads nor changes a
 * Segment snippet's `window.analytics` (it writes its CDN there on load).
 */
const GLOBAL_ANALYTICS_KEY = '__backstageSegmentAnalyticsModule';

/**
 * The arguments of `AnalyticsBrowser.load` for a config.
 *
 * @remarks
 * Pure. The library's query-string identity feature (`?ajs_uid=`) is always
 * off: user ids never come from a URL. With `cdnSettings: 'local'` the
 * library gets its settings here and fetches nothing before sending. Another
 * Segment instance on the page (a snippet) and the library share no CDN.
 * `storage`, when given, is what the page's stores allow (see {@link toStorageOptions}).
 */
export function toLoadArguments(
  config: EnabledSegmentConfig,
  storage?: BrowserStorageState,
): [AnalyticsBrowserSettings, InitOptions] {
  const segmentIo = withRelayOptions(config, {
    apiHost: config.apiHost,
    protocol: config.protocol,
    // The standard strategy's config object is kept by the library and read
    // on each request: the transport turns `keepalive` on when the page is left.
    deliveryStrategy: config.batching
      ? { strategy: 'batching' as const, config: { size: config.batching.size, timeout: config.batching.timeoutMs } }
      : { strategy: 'standard' as const, config: { keepalive: false } },
  });
  const settings: AnalyticsBrowserSettings = {
    writeKey: config.writeKey,
    cdnURL: config.cdnURL ?? SEGMENT_CDN,
    ...(config.cdnSettings === 'local' && {
      cdnSettings: {
        integrations: { 'Segment.io': { apiKey: config.writeKey, ...segmentIo } },
        metrics: { sampleRate: 0 },
      },
    }),
  };
  const options: InitOptions = {
    useQueryString: false,
    globalAnalyticsKey: GLOBAL_ANALYTICS_KEY,
    disableClientPersistence: config.agent.disableClientPersistence,
    disableAutoISOConversion: config.agent.disableAutoISOConversion,
    // No `initialPageview`: `agent.initialPageView` is the module's own navigate (see SegmentAnalytics), sent
    // after identify and through the rules; the library's was sent at its (lazy) load, before them.
    integrations: { 'Segment.io': segmentIo },
    ...(storage && !config.agent.disableClientPersistence && toStorageOptions(storage)),
  };
  return [settings, options];
}

/**
 * The library's storage options for what the page's stores allow; none when
 * both localStorage and cookies work (the library's defaults).
 *
 * @remarks
 * The library keeps its event queues in localStorage whatever its `storage`
 * option says, and fails to load when a write there throws (it takes a lock
 * by writing a key): where localStorage cannot be written, the queues must
 * be in memory, which only `disableClientPersistence` gives. The identity
 * (user id, anonymous id) is then in memory too, and kept across loads in
 * the library's cookies where they work (see {@link identityKeptIn}), so the
 * anonymous id survives a reload. A store that throws is left out rather
 * than tried (and warned about by the library) on every event.
 */
export function toStorageOptions({ localStorage, cookies }: BrowserStorageState): Partial<InitOptions> {
  if (localStorage.kind === 'usable') return cookies.kind === 'usable' ? {} : { storage: { stores: ['localStorage', 'memory'] } };
  return { disableClientPersistence: true };
}

/**
 * Where the identity a library loaded with `initOptions` holds is kept
 * between page loads: in the library's own stores (`analytics.storage`:
 * cookies and localStorage, or those of them that work), in its identity
 * cookies alone (localStorage cannot be written, cookies can: the library
 * itself keeps nothing then), or nowhere (`agent.disableClientPersistence`,
 * or neither store works).
 *
 * @param storage - what the page's stores allowed the load (absent when nothing is persisted)
 */
export function identityKeptIn(initOptions: InitOptions, storage: BrowserStorageState | undefined): 'library' | 'cookies' | undefined {
  if (!initOptions.disableClientPersistence) return 'library';
  return storage && storage.localStorage.kind !== 'usable' && storage.cookies.kind === 'usable' ? 'cookies' : undefined;
}

/**
 * The per-call options: capture time, the page the event happened on,
 * the user it belongs to (and their first group), and a masked IP when asked for.
 */
export function toCallOptions(
  call: Pick<SegmentCall, 'timestamp' | 'page'> | { timestamp: Date; page?: undefined },
  userId: string | undefined,
  maskIP: boolean,
  groupId?: string,
): Options {
  return {
    timestamp: call.timestamp,
    ...(userId && { userId }),
    context: {
      ...(call.page && { page: call.page }),
      ...(groupId && { groupId }),
      ...(maskIP && { ip: '0.0.0.0' }),
    },
  };
}

/**
 * The warning for endpoints given empty (see `emptyEndpoints`): where the
 * library then sends or fetches instead; undefined when there is none (an
 * empty `cdnURL` with local settings: nothing is fetched).
 */
export function emptyEndpointWarning(config: EnabledSegmentConfig): string | undefined {
  const used = {
    apiHost: `events go to Segment's ${config.protocol}://${config.apiHost}`,
    cdnURL: "the library's settings come from Segment's CDN",
  };
  const empty = config.emptyEndpoints?.filter(key => key === 'apiHost' || config.cdnSettings === 'remote') ?? [];
  if (!empty.length) return undefined;
  const keys = empty.map(key => `app.analytics.segment.${key}`).join(' and ');
  return `Segment analytics: ${keys} ${empty.length > 1 ? 'are' : 'is'} empty (an environment variable set to ''?), ` +
    `so Segment's own ${empty.length > 1 ? 'hosts are' : 'host is'} used: ${empty.map(key => used[key]).join('; ')}. ` +
    'Remove the key, or give the URL of your proxy.';
}
