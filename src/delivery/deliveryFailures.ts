import { describeError } from '../warnSafely';
import { Logger } from './Transport';

/** Deliveries in a row that must fail before the module warns. */
const FAILURES_BEFORE_WARNING = 3;

/** What the library's call promises resolve with: the call's context, with its log. */
type CallContext = { logs?: () => { level: string; message: string; extras?: Record<string, unknown> }[] };

/**
 * Whether a failed attempt was answered "try again later" (a 5xx or a 429:
 * the library's `Retryable error: 503` or its `RateLimitError`): an outage of
 * Segment or of a proxy, which the library's retries cover, not a setup problem.
 * The backend relay's 401 (no cookie of the user's: `delivery: backend` retries
 * it) is not: the library gives up after its retries, which a cookie gone
 * before its refresh outlasts.
 */
function isRetryableAnswer(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  if (name === 'RateLimitError') return true;
  // `delivery: backend` also retries a 404 (a replica still starting), which counts: a relay switched off stays so.
  return typeof message === 'string' && message.startsWith('Retryable error') && !isRefused(error) && !message.endsWith(' 404');
}

/** Whether an attempt was answered 401 (the library retries it with `delivery: backend`). */
function isRefused(error: unknown): boolean {
  const { message } = (error ?? {}) as { message?: unknown };
  return typeof message === 'string' && message.startsWith('Retryable error') && message.endsWith(' 401');
}

const DIRECT_HINT =
  'check apiHost (and its scheme: http:// or https://), that it allows this origin (CORS: Access-Control-Allow-Origin), ' +
  'the network, and the write key';

/** `delivery: backend`: the user sets neither apiHost nor the write key of the app; the relay is the backend's. */
const RELAY_HINT =
  "check that the app's backend runs the Segment relay (backstage-plugin-analytics-module-segment-backend) and the network; " +
  "a 401 is the relay finding no cookie of the user's: the app and the backend must be on one site (the same scheme " +
  'and registrable domain), or the browser neither keeps nor sends the cookie the relay gave; a 404, the relay switched off ' +
  '(segmentAnalytics.enabled) or a backend still starting (route requests to ready backends only)';

/**
 * Counts deliveries that failed (a TLS or DNS error, a refused connection,
 * a 4xx answer) as the library reports them on each call's context, and warns
 * once, naming the endpoint, when several fail in a row. One success resets
 * the count: a short outage the library's retries cover is not worth a word,
 * and an answer asking to try again later (5xx, 429) counts neither way.
 */
export function createDeliveryFailureWatch(endpoint: string, logger: Logger, refused?: () => boolean, relay = false) {
  let failuresInARow = 0;
  let warned = false;
  return {
    /** True once the warning has been given: nothing more to watch but `refused`. */
    done: () => warned,
    /**
     * Looks at one call's outcome; `refused` is told of each answer 401 (`delivery: backend`: no cookie),
     * which counts unless it says false (a new cookie is being fetched).
     * `counts` false: a failure that does not count towards the warning (a batch's first tries), a success still resets.
     */
    observe(ctx: unknown, counts = true) {
      const logs = (ctx as CallContext | undefined)?.logs?.() ?? [];
      const failure = logs.find(log => log.level === 'error' && /sending event|deliver/i.test(log.message));
      const reason = failure && (failure.extras?.error ?? failure.extras ?? failure.message);
      // A 401 while the relay's cookie is being fetched again (the call carried the old one) is not a failure.
      const beingFixed = isRefused(reason) && refused?.() === false;
      if (warned) return;
      if (failure && (beingFixed || isRetryableAnswer(reason))) return;
      if (!failure) {
        failuresInARow = 0;
        return;
      }
      if (!counts) return;
      if (++failuresInARow < FAILURES_BEFORE_WARNING) return;
      warned = true;
      logger.warn(`Segment analytics: events cannot be delivered to ${endpoint} (${describeError(reason)}); ${relay ? RELAY_HINT : DIRECT_HINT}`);
    },
  };
}
