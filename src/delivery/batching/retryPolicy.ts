/** What an answer asks of a batch: sent, dropped for good, or tried again later. */
export type AnswerBehaviour = 'retry' | 'drop';

/** Statuses whose behaviour differs from the 4xx-drops, 5xx-retries rule (Segment's HTTP API documents them). */
const STATUS_BEHAVIOURS: Readonly<Record<string, AnswerBehaviour>> = {
  '408': 'retry',
  '410': 'retry',
  '429': 'retry',
  '460': 'retry',
  '501': 'drop',
  '505': 'drop',
  '511': 'drop',
};

/** Tries of one batch after its first, unless the strategy's `maxRetries` says otherwise. */
const MAX_RETRIES = 10;

/** The longest `Retry-After` followed, in seconds; a longer one is cut to it. */
const MAX_RETRY_AFTER_S = 300;

/** The first wait before a retry, doubled with each try, up to {@link MAX_BACKOFF_MS}. */
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 60_000;

/** Spread of each wait, either way, so that many pages do not retry in step. */
const JITTER = 0.1;

/** Why a batch's request failed: named and worded as `@segment/analytics-next` words its own (see `deliveryFailures`). */
export type FailedAnswer = Error & {
  /** Milliseconds the server asked to wait (a 429 with `Retry-After`), not counted as a try. */
  retryAfterMs?: number;
  /** Whether another try may get through. */
  behaviour: AnswerBehaviour;
  /** The answer's status; absent when there was none. */
  status?: number;
};

/**
 * How the answer `status` is taken: undefined for a success (under 400),
 * else the failure to report, and whether to try again.
 *
 * @param overrides - statuses whose behaviour is set by the library's
 *   `httpConfig` (`delivery: backend` retries a 401)
 */
export function readAnswer(
  status: number,
  retryAfter: string | null | undefined,
  overrides: Readonly<Record<string, AnswerBehaviour>> = {},
): FailedAnswer | undefined {
  if (status < 400) return undefined;
  const behaviour = overrides[String(status)] ?? STATUS_BEHAVIOURS[String(status)] ?? (status >= 500 ? 'retry' : 'drop');
  const seconds = status === 429 && behaviour === 'retry' && retryAfter ? Number.parseInt(retryAfter, 10) : Number.NaN;
  let failure: FailedAnswer;
  if (!Number.isNaN(seconds)) {
    failure = failed(`Rate limit exceeded: ${status}`, 'RateLimitError', behaviour);
    failure.retryAfterMs = Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_S) * 1000;
  } else if (behaviour === 'retry') failure = failed(`Retryable error: ${status}`, 'Error', behaviour);
  else failure = failed(`Non-retryable error: ${status}`, 'NonRetryableError', behaviour);
  failure.status = status;
  return failure;
}

/** A request that never got an answer (refused, offline, a header `fetch` refused): tried again. */
export function unanswered(error: unknown): FailedAnswer {
  const broken = (error instanceof Error ? error : new Error(String(error))) as FailedAnswer;
  broken.behaviour = 'retry';
  return broken;
}

/**
 * How long to wait before try `retry` (1 for the first retry): doubling
 * from half a second up to a minute, spread by a tenth either way.
 *
 * @param random - a number in [0, 1) (`Math.random` in the browser)
 */
function backoffMs(retry: number, random: () => number): number {
  const base = Math.min(FIRST_BACKOFF_MS * 2 ** (retry - 1), MAX_BACKOFF_MS);
  return base * (1 + (random() * 2 - 1) * JITTER);
}

/**
 * Whether, and after how long, a batch whose last request failed with
 * `failure` is sent again: a 429 with `Retry-After` up to {@link MAX_RETRIES}
 * times (not counted as tries; `rateLimited` says the wait is one), after the
 * wait it asks or the growing wait, whichever is longer (a server asking for
 * a second, or none, again and again does not use up those times in seconds),
 * else a growing wait while its tries (`requests` less the rate-limited ones)
 * are within `maxRetries` ({@link MAX_RETRIES} unless given); undefined: given up.
 */
export function nextRetry(
  batch: { requests: number; rateLimited: number },
  failure: FailedAnswer,
  maxRetries: number | undefined,
  random: () => number,
): { waitMs: number; rateLimited: boolean } | undefined {
  if (failure.behaviour === 'drop') return undefined;
  if (failure.retryAfterMs !== undefined) {
    if (batch.rateLimited >= MAX_RETRIES) return undefined;
    return { waitMs: Math.max(failure.retryAfterMs, backoffMs(batch.rateLimited + 1, random)), rateLimited: true };
  }
  const tries = batch.requests - batch.rateLimited;
  return tries <= (maxRetries ?? MAX_RETRIES) ? { waitMs: backoffMs(tries, random), rateLimited: false } : undefined;
}

function failed(message: string, name: string, behaviour: AnswerBehaviour): FailedAnswer {
  const error = new Error(message) as FailedAnswer;
  error.name = name;
  error.behaviour = behaviour;
  return error;
}
