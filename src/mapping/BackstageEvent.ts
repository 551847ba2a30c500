import type { AnalyticsEvent as LegacyAnalyticsEvent } from '@backstage/core-plugin-api';
import type { AnalyticsEvent as NfsAnalyticsEvent } from '@backstage/frontend-plugin-api';

/**
 * An analytics event of either frontend system: the legacy one carries
 * `context.extension` and `context.routeRef`, the New Frontend System
 * `context.extensionId`.
 */
export type BackstageEvent = LegacyAnalyticsEvent | NfsAnalyticsEvent;
