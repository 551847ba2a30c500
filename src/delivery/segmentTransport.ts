import { EnabledSegmentConfig } from '../config/SegmentConfig';
import { pageRedactionPlugin } from '../privacy/pageRedactionPlugin';
import { toCallOptions, toLoadArguments } from './segmentOptions';
import { Transport } from './Transport';

/**
 * Loads `@segment/analytics-next` in its own chunk and resolves with a
 * transport over it once the library is ready (settings fetched, unless
 * local). Rejects when the library or its settings cannot be loaded.
 */
export async function loadSegmentTransport(config: EnabledSegmentConfig): Promise<Transport> {
  const { AnalyticsBrowser } = await import(/* webpackChunkName: "segment-analytics" */ '@segment/analytics-next');
  const [settings, init] = toLoadArguments(config);
  // Redacts the page the library reads from `location` (identify, group, its own page calls).
  const [analytics] = await AnalyticsBrowser.load({ ...settings, plugins: [pageRedactionPlugin(config.privacy)] }, init);
  if (config.debug) analytics.debug(true);
  // A user id stored by an earlier session must not attribute this one's
  // anonymous events: only this session's identify sets it.
  analytics.user().id(null);
  return {
    async identify(userId, timestamp) {
      await analytics.identify(userId, {}, toCallOptions({ timestamp }, userId, config.maskIP));
    },
    async group({ groupId, traits }, userId, timestamp) {
      // Only these traits: none kept by the library from an earlier group call.
      analytics.group().traits({});
      await analytics.group(groupId, traits, toCallOptions({ timestamp }, userId, config.maskIP));
    },
    send(call, userId, groupId) {
      const options = toCallOptions(call, userId, config.maskIP, groupId);
      const sent = call.type === 'page' ? analytics.page(call.properties, options) : analytics.track(call.event, call.properties, options);
      sent.catch(() => {}); // the library reports its own failures; never an unhandled rejection
    },
  };
}
