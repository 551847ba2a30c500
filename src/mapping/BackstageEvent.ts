import type { AnalyticsEvent as LegacyAnalyticsEvent } from '@backstage/core-plugin-api';
import type { AnalyticsEvent as NfsAnalyticsEvent } from '@backstage/frontend-plugin-api';

/**
 * An analytics event of either frontend system: the legacy one carries
 * `context.extension` and `context.routeRef`, the New Frontend System
 * `context.extensionId`. Exported from the package as
 * `BackstageAnalyticsEvent`: the argument of `SegmentAnalytics.captureEvent`.
 *
 * @public
 */
export type BackstageEvent = LegacyAnalyticsEvent | NfsAnalyticsEvent;
