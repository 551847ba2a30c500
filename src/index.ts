/**
 * Backstage Analytics API implementation for Twilio Segment.
 *
 * @packageDocumentation
 */
export { SegmentAnalytics } from './SegmentAnalytics';
export type { SegmentAnalyticsOptions } from './SegmentAnalytics';
export type { UserIdTransformOption } from './identity/resolveUserId';
export { segmentAnalyticsModule, segmentAnalyticsModule as default } from './alpha/segmentModule';
