import { ConfigReader } from '@backstage/config';
import { SegmentAnalytics, SegmentAnalyticsOptions } from '../SegmentAnalytics';
import { CollectedMessage, LoopbackCollector, startLoopbackCollector } from './loopbackCollector';

export { userIdentity } from './identityApis';
export type { UserIdentityOptions } from './identityApis';

/** A module instance made by {@link WireCollector.create}, on its own write key. */
export type WireInstance = {
  analytics: SegmentAnalytics;
  /** The write key this instance sends with; no other instance uses it. */
  writeKey: string;
  /**
   * Polls the collector until `predicate` holds for this instance's messages
   * (oldest first), and returns them; rejects after the collector's time-out.
   */
  waitFor(predicate: (messages: CollectedMessage[]) => boolean): Promise<CollectedMessage[]>;
};

/** What {@link setupWireCollector} gives a test file. */
export type WireCollector = {
  /**
   * A module instance built by `SegmentAnalytics.fromConfig` from the
   * `app.analytics.segment` keys in `segment`, sending to the collector on a
   * write key of its own, so that a test reads only its own messages.
   */
  create(segment?: object, options?: SegmentAnalyticsOptions): WireInstance;
  /** The running collector (started in `beforeAll`), for requests and all messages. */
  readonly collector: LoopbackCollector;
};

/** Options of {@link setupWireCollector}. */
export type WireCollectorOptions = {
  /** How long `waitFor` polls before it fails, in ms; the collector's default if absent. */
  timeoutMs?: number;
};

/**
 * Registers the hooks of a wire test file: starts the embedded collector on
 * a loopback port before all tests and stops it after them; before each test,
 * clears localStorage and puts the page back at `/` titled `Home`.
 * Write keys are `${prefix}-1`, `${prefix}-2`, ... in creation order.
 */
export function setupWireCollector(prefix: string, options: WireCollectorOptions = {}): WireCollector {
  let collector: LoopbackCollector | undefined;
  let keyCount = 0;

  beforeAll(async () => {
    collector = await startLoopbackCollector();
  });
  afterAll(() => collector?.close());
  beforeEach(() => {
    localStorage.clear();
    document.title = 'Home';
    window.history.replaceState({}, '', '/');
  });

  const running = (): LoopbackCollector => {
    if (!collector) throw new Error('wire test: the collector is not running (use it inside a test)');
    return collector;
  };

  return {
    get collector() {
      return running();
    },
    create(segment = {}, analyticsOptions = {}) {
      const { url, apiHost } = running();
      const writeKey = `${prefix}-${++keyCount}`;
      const analytics = SegmentAnalytics.fromConfig(
        new ConfigReader({
          app: { analytics: { segment: { writeKey, cdnURL: url, apiHost: `http://${apiHost}`, ...segment } } },
        }),
        analyticsOptions,
      );
      const mine = (messages: CollectedMessage[]) => messages.filter(m => m.writeKey === writeKey);
      return {
        analytics,
        writeKey,
        waitFor: async predicate => mine(await running().waitFor(all => predicate(mine(all)), options.timeoutMs)),
      };
    },
  };
}
