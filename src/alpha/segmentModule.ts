import { configApiRef, createFrontendModule, identityApiRef } from '@backstage/frontend-plugin-api';
import { AnalyticsImplementationBlueprint } from '@backstage/plugin-app-react';
import { SegmentAnalytics } from '../SegmentAnalytics';

/**
 * The Segment analytics implementation extension, `analytics:app/segment`
 * once installed through {@link segmentAnalyticsModule}.
 *
 * @remarks
 * Builds the same {@link SegmentAnalytics} as the legacy frontend system,
 * from `app.analytics.segment.*` and the app's identity API. Everything it
 * needs comes from config, including pseudonymization
 * (`userIdTransform: sha-256`, `userIdSalt`).
 *
 * @public
 */
export const segmentAnalyticsImplementation = AnalyticsImplementationBlueprint.make({
  name: 'segment',
  params: define =>
    define({
      deps: { configApi: configApiRef, identityApi: identityApiRef },
      factory: ({ configApi, identityApi }) => SegmentAnalytics.fromConfig(configApi, { identityApi }),
    }),
});

/**
 * New Frontend System module for the `app` plugin that sends Backstage
 * analytics events to Twilio Segment.
 *
 * @remarks
 * Pass it to `createApp({ features: [segmentAnalyticsModule] })`, or install
 * the package and let feature discovery pick it up (it is the package's
 * default export). Configure it under `app.analytics.segment` in
 * `app-config.yaml`.
 *
 * @public
 */
export const segmentAnalyticsModule = createFrontendModule({
  pluginId: 'app',
  extensions: [segmentAnalyticsImplementation],
});
