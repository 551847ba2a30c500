/** The relay's settings, read once from `segmentAnalytics` in the backend config. */
export type RelayConfig = {
  /** The Segment source's write key, sent upstream as HTTP Basic auth; never logged, never answered. */
  writeKey: string;
  /** The HMAC-SHA-256 key of user and group ids; never logged, never answered. */
  hmacKey: string;
  /** Base URL of Segment's tracking API (`.../v1`), without a trailing slash. */
  upstreamUrl: string;
  /** `true`: every message Segment receives carries `context.ip = '0.0.0.0'`. */
  maskIP: boolean;
  /** `false`: no group data; otherwise at most `limit` groups per user. */
  groups: false | { limit: number };
  /** How long one upstream request may take, in milliseconds. */
  timeoutMs: number;
};

/** `segmentAnalytics.enabled: false`: the relay forwards nothing (its routes answer 404). */
export type RelaySettings = { enabled: false } | ({ enabled: true } & RelayConfig);
