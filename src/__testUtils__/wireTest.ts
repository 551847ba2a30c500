import { ConfigReader } from '@backstage/config';
import { SegmentAnalytics, SegmentAnalyticsOptions } from '../SegmentAnalytics';
import { advanceUntil } from './fakeTime';
import { CollectedMessage, LoopbackCollector, startLoopbackCollector } from './loopbackCollector';

export { userIdentity } from './identityApis';
export type { UserIdentityOptions } from './identityApis';

/** A StorageApi whose stored choice never becomes known: the consent default applies after `consent.waitMs`. */
export function silentStorageApi(): NonNullable<SegmentAnalyticsOptions['storageApi']> {
  const unknown = { key: 'consent', presence: 'unknown' as const };
  const bucket = { snapshot: () => unknown, observe$: () => ({ subscribe: () => ({ unsubscribe() {} }) }) };
  return { forBucket: () => bucket, snapshot: () => unknown } as unknown as NonNullable<SegmentAnalyticsOptions['storageApi']>;
}

/** A module instance made by {@link WireCollector.create}, on its own write key. */
export type WireInstance = {
  analytics: SegmentAnalytics;
  /** The write key this instance sends with; no other instance uses it. */
  writeKey: string;
  /**
   * Looks at the collector until `predicate` holds for this instance's
   * messages (oldest first), moving fake time on between looks, and returns
   * them; fails after 30 fake seconds and 30 real ones.
   */
  waitFor(predicate: (messages: CollectedMessage[]) => boolean): Promise<CollectedMessage[]>;
  /**
   * `messages` in the order this instance's library started their requests
   * (the order it sent them; each call is a request of its own, so they may
   * reach the collector in another order). Fails for a message it was not
   * seen sending.
   */
  inSendOrder(messages: CollectedMessage[]): CollectedMessage[];
};

/** What {@link setupWireCollector} gives a test file. */
export type WireCollector = {
  /**
   * A module instance built by `SegmentAnalytics.fromConfig` from the
   * `app.analytics.segment` keys in `segment`, sending to the collector on a
   * write key of its own, so that a test reads only its own messages.
   */
  /** `app` adds keys of the app's config beside `analytics` (`baseUrl`, say). */
  create(segment?: object, options?: SegmentAnalyticsOptions, app?: object): WireInstance;
  /** The running collector (started in `beforeAll`), for requests and all messages. */
  readonly collector: LoopbackCollector;
};

/**
 * Registers the hooks of a wire test file: starts the embedded collector on
 * a loopback port before all tests and stops it after them; before each test,
 * clears localStorage, puts the page back at `/` titled `Home` and installs
 * jest's fake timers (removed after it). The module's and the library's waits
 * (a page call held for its title, an identity answering late, a batch's
 * timer) pass in fake time, moved on by `waitFor` or by the test; the HTTP to
 * the collector stays real, and each call the page sends there is recorded
 * (for `inSendOrder`).
 * Write keys are `${prefix}-1`, `${prefix}-2`, ... in creation order.
 */
export function setupWireCollector(prefix: string): WireCollector {
  let collector: LoopbackCollector | undefined;
  let keyCount = 0;

  beforeAll(async () => {
    collector = await startLoopbackCollector();
  });
  afterAll(() => collector?.close());
  // Every call the page sends to the collector, in the order its requests started: write key and messageId.
  let sent: Array<{ writeKey?: string; messageId?: string }> = [];
  let pageFetch: typeof fetch | undefined;
  afterEach(() => {
    jest.useRealTimers();
    if (pageFetch) globalThis.fetch = pageFetch;
  });
  beforeEach(() => {
    sent = [];
    const realFetch = (pageFetch = globalThis.fetch);
    globalThis.fetch = (input, init) => {
      if (collector && String(input).startsWith(`http://${collector.apiHost}/`)) sent.push(...callsIn(init?.body));
      return realFetch(input, init);
    };
    jest.useFakeTimers();
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
    create(segment = {}, analyticsOptions = {}, app = {}) {
      const { url, apiHost } = running();
      const writeKey = `${prefix}-${++keyCount}`;
      const analytics = SegmentAnalytics.fromConfig(
        new ConfigReader({
          app: { ...app, analytics: { segment: { writeKey, cdnURL: url, apiHost: `http://${apiHost}`, ...segment } } },
        }),
        analyticsOptions,
      );
      const mine = (messages: CollectedMessage[]) => messages.filter(m => m.writeKey === writeKey);
      return {
        analytics,
        writeKey,
        async waitFor(predicate) {
          let found: CollectedMessage[] = [];
          await advanceUntil(async () => {
            found = mine(await running().messages());
            if (!predicate(found)) throw new Error(`collector: condition not met; got ${JSON.stringify(found, null, 1)}`);
          });
          return found;
        },
        inSendOrder(messages) {
          const ids = sent.filter(call => call.writeKey === writeKey).map(call => call.messageId);
          const position = (m: CollectedMessage) => {
            if (!ids.includes(m.messageId)) throw new Error(`wire test: ${m.type} ${m.messageId} arrived, but was not seen leaving the page`);
            return ids.indexOf(m.messageId);
          };
          return [...messages].sort((a, b) => position(a) - position(b));
        },
      };
    },
  };
}

/** The calls in a tracking request's body: one, or a batch's. */
function callsIn(body: unknown): Array<{ writeKey?: string; messageId?: string }> {
  try {
    const parsed = JSON.parse(String(body));
    return Array.isArray(parsed.batch) ? parsed.batch.map((call: object) => ({ writeKey: parsed.writeKey, ...call })) : [parsed];
  } catch {
    return [];
  }
}
