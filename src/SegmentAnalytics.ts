import { Config } from '@backstage/config';
import { AnalyticsApi, IdentityApi, StorageApi } from '@backstage/core-plugin-api';
import { AnalyticsImplementation } from '@backstage/frontend-plugin-api';
import { readSegmentConfig } from './config/readSegmentConfig';
import { reportingConfigErrors } from './config/reportConfigError';
import { EnabledSegmentConfig } from './config/SegmentConfig';
import { createDelivery } from './delivery/createDelivery';
import { Logger } from './delivery/Transport';
import { withGroups } from './teams/withGroups';
import { resolveIdentity } from './identity/resolveIdentity';
import { UserIdTransformOption } from './identity/userIdOptions';
import { chooseUserIdTransform } from './identity/chooseUserIdTransform';
import { applyTeamOptions } from './teams/applyTeamOptions';
import { createPageHistory, LocationSnapshot } from './mapping/pageHistory';
import { toSegmentCall } from './mapping/toSegmentCall';
import { createSafeEventReader } from './mapping/safeEventReader';
import { createWarnOnce, describeError, safeLogger } from './warnSafely';
import { BackstageEvent } from './mapping/BackstageEvent';
import { createPrivacy } from './privacy/createPrivacy';
import { createUserPseudonyms } from './privacy/userPseudonyms';
import { listenForPageLeave } from './delivery/pageLifecycle';
import { browserOptsOut } from './privacy/optOut';
import { claimWriteKey } from './oncePerWriteKey';
import { createReadyGate } from './privacy/readyGate';
import { SafeEvent } from './mapping/toSafeEvent';
import { browserUserIdTransform, startRelayMode } from './delivery/relayMode';
import { SegmentCall } from './mapping/SegmentCall';
import { DEFAULT_CONSENT } from './config/SegmentConfig';
import { browserScheduler } from './delivery/scheduler';
import { lazyUserChoice } from './consent/lazyUserChoice';
import { markChoiceFollowed } from './consent/followedChoice';
import { Transport } from './delivery/Transport';

/** An event as captured: read safely, stamped, and (when it has to wait) located. */
type Captured = { safe: SafeEvent; at: Date; location?: LocationSnapshot };

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
 * Hat Developer Hub dynamic plugin) stays off with one warning.
 *
 * @public
 */
export class SegmentAnalytics implements AnalyticsApi, AnalyticsImplementation {
  /**
   * Creates an instance from `app.analytics.segment.*`.
   *
   * @remarks
   * On invalid config it throws, and also prints the error (which names the
   * key) with `console.error`, once per config object: Backstage swallows
   * exceptions from API factories and silently falls back to no analytics.
   * `options` left out, `undefined` or `null` all mean no options.
   */
  static fromConfig(config: Config, options?: SegmentAnalyticsOptions): SegmentAnalytics {
    const segment = reportingConfigErrors(config, () => readSegmentConfig(config));
    // `null` (from JavaScript callers) is no options, as `undefined` is.
    return new SegmentAnalytics(segment.enabled ? segment : undefined, options ?? {}, console);
  }

  private readonly capture: (event: BackstageEvent) => void;
  /** Every part of the module logs through this: it never throws, whatever the console does. */
  private readonly logger: Logger;
  private readonly warnOnce: (topic: string, message: string) => void;

  private constructor(config: EnabledSegmentConfig | undefined, options: SegmentAnalyticsOptions, sink: Logger) {
    this.logger = safeLogger(sink);
    this.warnOnce = createWarnOnce(this.logger);
    this.capture = config ? this.createPipeline(config, options) : () => {};
  }

  /** Records one event for Segment; synchronous, never throws. */
  captureEvent(event: BackstageEvent): void {
    try {
      this.capture(event);
    } catch (error) {
      // Never read the event again here: reading it may be what threw.
      this.warnOnce('capture', `Segment analytics: could not record an event: ${describeError(error)}`);
    }
  }

  private createPipeline(config: EnabledSegmentConfig, options: SegmentAnalyticsOptions) {
    if (browserOptsOut(config.privacy, this.logger)) return () => {};
    const { identityApi } = options;
    const { transform, warnings } = chooseUserIdTransform(options.userIdTransform, config.userIdTransform, config.userIdSalt);
    // After every check that throws: an instance that failed holds no key.
    if (!claimWriteKey(config.writeKey, this.logger)) return () => {};
    warnings.forEach(warning => this.logger.warn(warning));
    // `delivery: backend`: the relay's session cookie (and the library waits for its first attempt).
    const relay = startRelayMode(config, identityApi, this.logger);
    if (!relay) return () => {};
    const salt = config.userIdSalt;
    // With a transform, every user ref sent is pseudonymized with it (the user's own becomes their user id).
    const pseudonyms = transform && createUserPseudonyms({ transform, salt, timeoutMs: config.identityTimeoutMs });
    // Before delivery is created: on leaving the page, calls still being hashed reach delivery first.
    const privacy = createPrivacy(config.privacy, { salt, pseudonyms, onPageLeave: listenForPageLeave });
    const { groups } = config.team;
    const warn = (message: string) => this.logger.warn(message);
    const onUser = pseudonyms && ((ref: string, userId: string) => pseudonyms.setOwn(ref, userId));
    const userIdTransform = browserUserIdTransform(config, transform);
    const identity =
      identityApi && withGroups(resolveIdentity({ identityApi, transform: userIdTransform, salt, groups, warn, onUser }));
    const newDelivery = (observe?: (transport: Transport) => Transport) =>
      createDelivery(config, identity?.userId, this.logger, {
        settle: privacy.settle,
        decorate: observe ? transport => (identity ? identity.decorate(observe(transport)) : observe(transport)) : identity?.decorate,
        redactLibraryEvent: privacy.library,
        whenReady: relay.whenReady,
      });
    // With a StorageApi, delivery follows the user's choice (created once it is granted); else it starts now.
    const { storageApi } = options;
    let sink: { enqueue(call: SegmentCall): void } | undefined = storageApi ? undefined : newDelivery();
    const enqueue = privacy.handOff(call => sink?.enqueue(call));
    const history = createPageHistory(typeof document === 'undefined' ? '' : document.referrer);
    const debug = config.debug ? (event: BackstageEvent) => this.logger.info('[segment] captured', event) : undefined;

    const readSafely = createSafeEventReader(this.logger);
    const locate = (): LocationSnapshot => {
      const { href, pathname, search } = window.location;
      return { href, pathname, search, title: document.title };
    };
    const send = ({ safe, at, location }: Captured) => {
      if (!privacy.admits(safe)) return;
      const page = history.describe(location ?? locate(), safe.action === 'navigate');
      enqueue(applyTeamOptions(toSegmentCall(safe, page, at), config.team));
    };
    // With user expressions, events wait (in order, with their capture time and location) for their engine.
    const next = privacy.ready
      ? createReadyGate(privacy.ready, send, this.logger, captured => ({ ...captured, location: locate() }))
      : send;
    if (!storageApi) {
      return (event: BackstageEvent) => {
        debug?.(event);
        next({ safe: readSafely(event), at: new Date() });
      };
    }
    markChoiceFollowed();
    const choice = lazyUserChoice<Captured>(storageApi, {
      config: config.consent ?? DEFAULT_CONSENT,
      writeKey: config.writeKey,
      create: newDelivery,
      forward: next,
      scheduler: browserScheduler,
      warn: this.warnOnce,
      // The choice is the user's: it is not known before they sign in (the user-settings backend's storage).
      userKnown: identity?.userId,
    });
    sink = choice;
    return (event: BackstageEvent) => {
      debug?.(event);
      // Located now: an event may wait for the user's choice.
      choice.capture({ safe: readSafely(event), at: new Date(), location: locate() });
    };
  }
}
