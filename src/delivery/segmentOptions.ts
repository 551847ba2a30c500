import type { AnalyticsBrowserSettings, InitOptions, Options } from '@segment/analytics-next';
import { EnabledSegmentConfig } from '../config/SegmentConfig';
import { SegmentCall } from '../mapping/SegmentCall';

/**
 * The arguments of `AnalyticsBrowser.load` for a config.
 *
 * @remarks
 * Pure. The library's query-string identity feature (`?ajs_uid=`) is always
 * off: user ids never come from a URL. With `cdnSettings: 'local'` the
 * library gets its settings here and fetches nothing before sending.
 */
export function toLoadArguments(config: EnabledSegmentConfig): [AnalyticsBrowserSettings, InitOptions] {
  const segmentIo = {
    apiHost: config.apiHost,
    protocol: config.protocol,
    // The standard strategy's config object is kept by the library and read
    // on each request: the transport turns `keepalive` on when the page is left.
    deliveryStrategy: config.batching
      ? { strategy: 'batching' as const, config: { size: config.batching.size, timeout: config.batching.timeoutMs } }
      : { strategy: 'standard' as const, config: { keepalive: false } },
  };
  const settings: AnalyticsBrowserSettings = {
    writeKey: config.writeKey,
    ...(config.cdnURL && { cdnURL: config.cdnURL }),
    ...(config.cdnSettings === 'local' && {
      cdnSettings: {
        integrations: { 'Segment.io': { apiKey: config.writeKey, ...segmentIo } },
        metrics: { sampleRate: 0 },
      },
    }),
  };
  const options: InitOptions = {
    useQueryString: false,
    disableClientPersistence: config.agent.disableClientPersistence,
    disableAutoISOConversion: config.agent.disableAutoISOConversion,
    initialPageview: config.agent.initialPageView,
    integrations: { 'Segment.io': segmentIo },
  };
  return [settings, options];
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
