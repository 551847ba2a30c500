import { lazy, Suspense, useMemo } from 'react';
import { configApiRef, storageApiRef, useApi, useApiHolder } from '@backstage/core-plugin-api';
import { SegmentConsent } from '../SegmentConsent';
import { isAnalyticsRunning, isChoiceFollowed } from '../followedChoice';
import { SegmentConsentApi, segmentConsentApiRef } from '../SegmentConsentApi';

const LazyCard = lazy(() =>
  import(/* webpackChunkName: "segment-usage-analytics-card" */ './UsageAnalyticsCard').then(m => ({ default: m.UsageAnalyticsCard })),
);

/**
 * Props of {@link SegmentUsageAnalyticsSettings}.
 *
 * @public
 */
export type SegmentUsageAnalyticsSettingsProps = {
  /**
   * Whether user ids are pseudonymized, for the card's text; by default as
   * `app.analytics.segment.userIdTransform` says (or `delivery: backend`,
   * whose relay keys every id). Give it when the app passes a
   * `userIdTransform` in code.
   */
  pseudonymized?: boolean;
};

/**
 * The "Usage analytics" card for `@backstage/plugin-user-settings`: what is
 * collected, how the user is identified, and one switch for the user's own
 * choice (see {@link SegmentConsentApi}). Loaded lazily: it adds nothing to
 * the app's first load.
 *
 * @remarks
 * Legacy frontend system:
 * `<SettingsLayout.Route path="usage-analytics" title="Usage analytics"><SegmentUsageAnalyticsSettings /></SettingsLayout.Route>`.
 * In the New Frontend System the module adds it to the settings page itself.
 *
 * @public
 */
export function SegmentUsageAnalyticsSettings(props: SegmentUsageAnalyticsSettingsProps) {
  const consent = useConsentApi();
  return (
    <Suspense fallback={null}>
      <LazyCard {...props} consent={isChoiceFollowed() ? consent : undefined} running={isAnalyticsRunning()} />
    </Suspense>
  );
}

/** The app's consent API, or one over its StorageApi when the app registered none. */
function useConsentApi(): SegmentConsentApi | undefined {
  const apis = useApiHolder();
  const config = useApi(configApiRef);
  return useMemo(() => {
    const registered = apis.get(segmentConsentApiRef);
    if (registered) return registered;
    const storageApi = apis.get(storageApiRef);
    return storageApi && SegmentConsent.fromConfig(config, { storageApi });
  }, [apis, config]);
}
