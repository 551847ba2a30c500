import { Config } from '@backstage/config';
import { AnalyticsApi, IdentityApi, StorageApi } from '@backstage/core-plugin-api';
import { readSegmentConfig } from './config/readSegmentConfig';
import { reportingConfigErrors } from './config/reportConfigError';
import { EnabledSegmentConfig } from './config/SegmentConfig';
import { dropKeptCallsSoon } from './delivery/dropKeptCalls';
import { createEventPath } from './eventPath';
import { UserIdTransformOption } from './identity/userIdOptions';
import { BackstageEvent } from './mapping/BackstageEvent';
import { startPageEvent } from './mapping/startPageEvent';
import { createKeyHold, isWriteKeyClaimed, KeyHold, warnHeldElsewhere } from './oncePerWriteKey';
import { setUpPathParts } from './pathParts';
import { createWarnOnce, describeError, Logger, safeLogger } from './warnSafely';

/**
 * Options of {@link SegmentAnalytics.fromConfig}.
 *
 * @public
 */
export type SegmentAnalyticsOptions = {
  /** Identifies the signed-in user; without it, events are anonymous. */
  identityApi?: IdentityApi;
  /**
   * Pseudonymizes the user's entity ref before it is sent. Wins over the
   * `app.analytics.segment.userIdTransform` config key.
   */
  userIdTransform?: UserIdTransformOption;
  /**
   * Where each user's own choice about analytics is kept (the app's
   * `storageApiRef`): with it, the user can switch analytics off (or, with
   * `consent.default: opt-in`, on) on the settings page or through
   * `segmentConsentApiRef`. Without it there is no per-user choice.
   */
  storageApi?: StorageApi;
};

/**
 * Backstage Analytics API implementation for Twilio Segment.
 *
 * @remarks
 * `navigate` events become Segment page calls, every other event a track
 * call. `captureEvent` returns at once and never throws: the library loads
 * lazily, events wait (in order, with their capture time) for it and for the
 * user's identity, then go out. One instance per write key sends in a page:
 * a second one (the module registered twice, say in `apis.ts` and as a Red
 * Hat Developer Hub dynamic plugin) stays off with one warning, unless the
 * first has captured no event yet (the app may have dropped it): then the
 * second takes over and the first stays off. The New
 * Frontend System's `AnalyticsImplementation` has the same shape (its type
 * moved to `@backstage/plugin-app-react` in Backstage 1.57): an instance is one.
 *
 * @public
 */
export class SegmentAnalytics implements AnalyticsApi {
  /**
   * Creates an instance from `app.analytics.segment.*`.
   *
   * @remarks
   * On invalid config or an invalid option it throws, and also prints the
   * error (which names the key or option) with `console.error`, once per
   * config object and error: Backstage swallows
   * exceptions from API factories and silently falls back to no analytics.
   * `options` left out, `undefined` or `null` all mean no options.
   */
  static fromConfig(config: Config, options?: SegmentAnalyticsOptions): SegmentAnalytics {
    // An invalid option (`userIdTransform: 'SHA-256'`, say) is printed too: Backstage swallows it as it does a config error.
    return reportingConfigErrors(config, () => {
      const segment = readSegmentConfig(config);
      // `null` (from JavaScript callers) is no options, as `undefined` is.
      return new SegmentAnalytics(segment.enabled ? segment : undefined, options ?? {}, console);
    });
  }

  private readonly capture: (event: BackstageEvent, at?: Date) => void;
  private readonly warnOnce: (topic: string, message: string) => void;
  /** `agent.initialPageView`'s start page, captured just before the first event (see the constructor). */
  private startPage?: BackstageEvent;
  /** The hold on the write key: a later instance takes it while this one has captured nothing (the app dropped it). */
  private readonly hold: KeyHold;
  /** Called after it gave its key up: the app feeds two instances of one write key. */
  private readonly heldElsewhere: () => void;

  private constructor(config: EnabledSegmentConfig | undefined, options: SegmentAnalyticsOptions, sink: Logger) {
    // Every part of the module logs through this: it never throws, whatever the console does.
    const logger = safeLogger(sink);
    this.warnOnce = createWarnOnce(logger);
    this.hold = createKeyHold(options.storageApi !== undefined);
    this.heldElsewhere = () => warnHeldElsewhere(config?.writeKey ?? '', logger);
    // Config -> the parts (undefined: the module stays off) -> the path of every event.
    const parts = config && setUpPathParts(config, options, logger, this.warnOnce, this.hold);
    // `enabled: false`: no load of this config sends what an earlier one kept for the next load.
    if (!config) dropKeptCallsSoon(isWriteKeyClaimed);
    this.capture = parts ? createEventPath(parts) : () => {};
    // `agent.initialPageView`: the page the app starts on, as a navigate of the app's root context (Backstage's
    // defaults), so that it waits for the identity and meets the rules, privacy and consent as any other. It is
    // captured with the app's first event, not now: the app may build this API on its sign-in page, and the
    // identity's time-out starts with the first event captured.
    if (parts && config.agent.initialPageView && typeof location === 'object') {
      this.startPage = startPageEvent(location, config.agent.basePath);
    }
  }

  /** Records one event for Segment; synchronous, never throws. */
  captureEvent(event: BackstageEvent): void {
    try {
      // Used: the app calls this instance, which keeps its write key. One that gave it up stays off.
      this.hold.markUsed();
      if (this.hold.givenUp()) {
        this.heldElsewhere();
        return;
      }
      // The moment of the call: the start page (with the app's first event) and the event are stamped with it.
      const at = new Date();
      const start = this.startPage;
      this.startPage = undefined;
      if (start) this.capture(start, at);
      this.capture(event, at);
    } catch (error) {
      // Never read the event again here: reading it may be what threw.
      this.warnOnce('capture', `Segment analytics: could not record an event: ${describeError(error)}`);
    }
  }
}
