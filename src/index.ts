/**
 * Backstage Analytics API implementation for Twilio Segment.
 *
 * @packageDocumentation
 */
export { SegmentAnalytics } from './SegmentAnalytics';
export type { SegmentAnalyticsOptions } from './SegmentAnalytics';
export type { UserIdTransformOption } from './identity/userIdOptions';
export type { BackstageEvent as BackstageAnalyticsEvent } from './mapping/BackstageEvent';
export {
  segmentAnalyticsImplementation,
  segmentAnalyticsModule,
  segmentAnalyticsModule as default,
} from './newFrontendSystem/segmentModule';
export { segmentConsentApiRef } from './consent/SegmentConsentApi';
export type {
  SegmentConsentApi,
  SegmentConsentState,
  SegmentConsentObservable,
  SegmentConsentSubscription,
  SegmentConsentDecisionOptions,
} from './consent/SegmentConsentApi';
export type { SegmentConsentDecision, SegmentCategoryPreferences } from './consent/storedDecision';
export { SegmentConsent } from './consent/SegmentConsent';
export { SegmentUsageAnalyticsSettings } from './consent/card/SegmentUsageAnalyticsSettings';
export type { SegmentUsageAnalyticsSettingsProps } from './consent/card/SegmentUsageAnalyticsSettings';
