import { lazy, Suspense } from 'react';

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
   * `app.analytics.segment.userIdTransform` says. Give it when the app passes
   * a `userIdTransform` in code.
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
  return (
    <Suspense fallback={null}>
      <LazyCard {...props} />
    </Suspense>
  );
}
