// A naive Segment implementation of Backstage's AnalyticsApi, written for the
// benchmark only: it works the way the public Segment module does.
//   - the library is imported statically, so it lands in the app's initial JavaScript;
//   - AnalyticsBrowser.load() runs at construction;
//   - one request per event (the library's standard delivery, no batching);
//   - identify goes out as soon as the user's identity is known;
//   - captureEvent calls analytics.page()/track() synchronously, with the
//     public module's properties layout.
import { AnalyticsBrowser } from '@segment/analytics-next';
import type { Config } from '@backstage/config';
import type { AnalyticsApi, AnalyticsEvent, IdentityApi } from '@backstage/core-plugin-api';

/** The naive integration the benchmark compares the module with (see the header comment). */
export class NaiveSegmentAnalytics implements AnalyticsApi {
  static fromConfig(config: Config, options: { identityApi?: IdentityApi } = {}) {
    const segment = config.getConfig('app.analytics.segment');
    // cdnURL is not a key of the public module; the benchmark needs it to
    // fetch settings from the local collector instead of Segment's CDN.
    return new NaiveSegmentAnalytics(segment.getString('writeKey'), segment.getOptionalString('cdnURL'), options.identityApi);
  }

  private readonly analytics: AnalyticsBrowser;

  private constructor(writeKey: string, cdnURL: string | undefined, identityApi?: IdentityApi) {
    this.analytics = AnalyticsBrowser.load({ writeKey, ...(cdnURL && { cdnURL }) });
    identityApi?.getBackstageIdentity().then(
      ({ userEntityRef }) => void this.analytics.identify(userEntityRef),
      () => {},
    );
  }

  captureEvent(event: AnalyticsEvent): void {
    const { action, subject, value, attributes, context } = event;
    const { routeRef, pluginId, extension, ...additionalContext } = context;
    const properties = {
      subject,
      action,
      value,
      routeRef,
      pluginId,
      extensionId: extension,
      category: extension || 'app',
      attributes,
      additionalContext,
    };
    if (action === 'navigate') {
      void this.analytics.page(properties);
    } else {
      void this.analytics.track(action === 'create' ? subject : action, properties);
    }
  }
}
