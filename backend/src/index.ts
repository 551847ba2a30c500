/**
 * A Backstage backend plugin that relays Segment analytics calls from
 * signed-in users: first-party delivery on the backend's origin, user and
 * group ids set by the server as HMAC-SHA-256 with a server-side key, and
 * the Segment write key kept in backend config.
 *
 * @packageDocumentation
 */

export { segmentAnalyticsPlugin } from './plugin';
export { segmentAnalyticsPlugin as default } from './plugin';
