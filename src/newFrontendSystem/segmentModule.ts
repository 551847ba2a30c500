import { configApiRef, createFrontendModule, identityApiRef, storageApiRef } from '@backstage/frontend-plugin-api';
import { AnalyticsImplementationBlueprint } from '@backstage/plugin-app-react';
import { analyticsFromAppConfig } from './analyticsFromAppConfig';
import { segmentConsentApi, segmentUsageAnalyticsSettingsPage } from './consentExtensions';

/**
 * The Segment analytics implementation extension, `analytics:app/segment`
 * once installed through {@link segmentAnalyticsModule}.
 *
 * @remarks
 * Builds the same {@link SegmentAnalytics} as the legacy frontend system,
 * from `app.analytics.segment.*` and the app's identity API. Everything it
 * needs comes from config, including pseudonymization
 * (`userIdTransform: sha-256`, `userIdSalt`). It never breaks the app:
 * without an `app.analytics.segment` block it stays off with one info line;
 * with an invalid block it prints one error naming the key and stays off.
 *
 * @public
 */
export const segmentAnalyticsImplementation = AnalyticsImplementationBlueprint.make({
  name: 'segment',
  params: define =>
    define({
      deps: { configApi: configApiRef, identityApi: identityApiRef, storageApi: storageApiRef },
      factory: ({ configApi, identityApi, storageApi }) => analyticsFromAppConfig(configApi, identityApi, storageApi),
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
 * `app-config.yaml`. It also provides `segmentConsentApiRef` and adds the
 * "Usage analytics" card to the user settings page
 * (`@backstage/plugin-user-settings`), where each user switches analytics
 * off (or on).
 *
 * @public
 */
export const segmentAnalyticsModule = createFrontendModule({
  pluginId: 'app',
  extensions: [segmentAnalyticsImplementation, segmentConsentApi, segmentUsageAnalyticsSettingsPage],
});
