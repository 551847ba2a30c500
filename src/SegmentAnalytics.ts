import { Config } from '@backstage/config';
import { AnalyticsApi, IdentityApi } from '@backstage/core-plugin-api';
import { AnalyticsImplementation } from '@backstage/frontend-plugin-api';
import { readSegmentConfig } from './config/readSegmentConfig';
import { EnabledSegmentConfig } from './config/SegmentConfig';
import { createDelivery } from './delivery/createDelivery';
import { Logger } from './delivery/Transport';
import { resolveUserId, UserIdTransformOption } from './identity/resolveUserId';
import { createPageHistory } from './mapping/pageHistory';
import { toSegmentCall } from './mapping/toSegmentCall';
import { BackstageEvent } from './mapping/BackstageEvent';

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
};

/**
 * Backstage Analytics API implementation for Twilio Segment.
 *
 * @remarks
 * `navigate` events become Segment page calls, every other event a track
 * call. `captureEvent` returns at once and never throws: the library loads
 * lazily, events wait (in order, with their capture time) for it and for the
 * user's identity, then go out.
 *
 * @public
 */
export class SegmentAnalytics implements AnalyticsApi, AnalyticsImplementation {
  /** Creates an instance from `app.analytics.segment.*`; throws on invalid config. */
  static fromConfig(config: Config, options: SegmentAnalyticsOptions = {}): SegmentAnalytics {
    const segment = readSegmentConfig(config);
    return new SegmentAnalytics(segment.enabled ? segment : undefined, options, console);
  }

  private readonly capture: (event: BackstageEvent) => void;
  private failedOnce = false;

  private constructor(
    config: EnabledSegmentConfig | undefined,
    options: SegmentAnalyticsOptions,
    private readonly logger: Logger,
  ) {
    this.capture = config ? this.createPipeline(config, options) : () => {};
  }

  /** Records one event for Segment; synchronous, never throws. */
  captureEvent(event: BackstageEvent): void {
    try {
      this.capture(event);
    } catch (error) {
      if (!this.failedOnce) {
        this.failedOnce = true;
        this.logger.warn(`Segment analytics: could not record a '${event?.action}' event: ${error}`);
      }
    }
  }

  private createPipeline(config: EnabledSegmentConfig, options: SegmentAnalyticsOptions) {
    const { identityApi } = options;
    const transform = options.userIdTransform ?? (config.userIdTransform === 'sha-256' ? 'sha-256' : undefined);
    const userId = identityApi && resolveUserId({ identityApi, transform, salt: config.userIdSalt });
    const delivery = createDelivery(config, userId, this.logger);
    const history = createPageHistory(typeof document === 'undefined' ? '' : document.referrer);
    const debug = config.debug ? (event: BackstageEvent) => this.logger.info('[segment] captured', event) : undefined;

    return (event: BackstageEvent) => {
      debug?.(event);
      const { href, pathname, search } = window.location;
      const page = history.describe({ href, pathname, search, title: document.title }, event.action === 'navigate');
      delivery.enqueue(toSegmentCall(event, page, new Date()));
    };
  }
}
