export interface Config {
  /**
   * The Segment relay (backstage-plugin-analytics-module-segment-backend):
   * receives the analytics calls of signed-in users at
   * `/api/segment-analytics/v1`, sets their ids, and forwards to Segment.
   * Read and validated once at start-up: an invalid value stops the backend
   * with an error naming the key.
   */
  segmentAnalytics?: {
    /**
     * `false`: nothing is forwarded (the relay's routes answer 404, saying
     * the relay is off), and `writeKey` and `hmacKey` may be absent.
     * Default `true`.
     */
    enabled?: boolean;
    /**
     * The write key of the Segment source events are forwarded to (HTTP
     * Basic auth on each request to Segment). Required while enabled. The
     * browser never receives it. White space around it is not part of it.
     * @visibility secret
     */
    writeKey?: string;
    /**
     * The key of the user and group ids: each id is the HMAC-SHA-256 of the
     * entity ref keyed with this secret, as 64 lowercase hex characters.
     * Required while enabled: ids without a key could be reversed by hashing
     * the catalog's user list. Use a long random secret (32 characters or
     * more). The frontend's former `app.analytics.segment.userIdSalt` keeps
     * the ids its `sha-256` transform sent, but every app user could read it:
     * whoever did can reverse the ids by hashing the catalog's user list.
     * @visibility secret
     */
    hmacKey?: string;
    /**
     * Segment's region: `us` forwards to https://api.segment.io/v1, `eu` to
     * https://events.eu1.segmentapis.com/v1. Default `us`.
     */
    region?: 'us' | 'eu';
    /**
     * Where to forward instead (a Segment-compatible tracking API base URL,
     * ending in `/v1`; the relay posts to `{upstreamUrl}/batch`; the URL of
     * one call, ending in `/v1/batch`, `/v1/track`, `/v1/t`, ..., is refused).
     * https, or
     * http to a loopback host (the dev collector). Wins over `region`.
     */
    upstreamUrl?: string;
    /**
     * `true`: every message Segment receives carries `context.ip` `0.0.0.0`.
     * `false` (default): the client's address as the backend sees it (see
     * `backend.trustProxy`), unless the browser itself sent `0.0.0.0`
     * (`app.analytics.segment.maskIP`), which is kept.
     */
    maskIP?: boolean;
    /**
     * Group analytics: `true` or `{ enabled?, limit? }` (limit 1-100, default
     * 10). The relay sends one `group` call per `group:` ownership ref of the
     * user after each identify, and sets `context.groupId` (the first group)
     * on every other message of the user; group ids are keyed like user ids.
     * Default `false`.
     */
    groups?:
      | boolean
      | {
          /** Whether group calls are sent. Default `true` in this object form. */
          enabled?: boolean;
          /**
           * Most group calls per user (1-100). Default `10`.
           * @minimum 1
           * @maximum 100
           */
          limit?: number;
        };
    /**
     * How long one request to Segment may take, in milliseconds (100-60000);
     * past it the browser is answered 504 and retries. Default 5000.
     * @minimum 100
     * @maximum 60000
     */
    timeoutMs?: number;
  };
}
