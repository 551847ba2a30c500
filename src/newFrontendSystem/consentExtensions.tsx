import { ApiBlueprint, configApiRef, storageApiRef, SubPageBlueprint } from '@backstage/frontend-plugin-api';
import { SegmentConsent } from '../consent/SegmentConsent';
import { segmentConsentApiRef } from '../consent/SegmentConsentApi';
import { SegmentUsageAnalyticsSettings } from '../consent/card/SegmentUsageAnalyticsSettings';

/**
 * Provides `segmentConsentApiRef` over the app's StorageApi, for the
 * settings card and for app code (a consent banner).
 */
export const segmentConsentApi = ApiBlueprint.make({
  name: 'segment-consent',
  params: define =>
    define({
      api: segmentConsentApiRef,
      deps: { configApi: configApiRef, storageApi: storageApiRef },
      factory: ({ configApi, storageApi }) => SegmentConsent.fromConfig(configApi, { storageApi }),
    }),
});

/**
 * The "Usage analytics" tab of the user settings page
 * (`page:user-settings` of `@backstage/plugin-user-settings`); its content
 * is loaded only when the tab is opened. Without that plugin it is not shown.
 */
export const segmentUsageAnalyticsSettingsPage = SubPageBlueprint.make({
  attachTo: { id: 'page:user-settings', input: 'pages' },
  name: 'usage-analytics',
  params: {
    path: 'usage-analytics',
    title: 'Usage analytics',
    // The card's own code is loaded when it renders.
    loader: async () => (
      <div style={{ padding: 24 }}>
        <SegmentUsageAnalyticsSettings />
      </div>
    ),
  },
});
