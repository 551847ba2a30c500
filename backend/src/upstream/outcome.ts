/**
 * What the relay answers the browser after forwarding, decided from
 * Segment's answer. Statuses are chosen for analytics-next 1.84: it retries
 * 408, 429 (honouring `Retry-After`) and 5xx other than 501, 505 and 511,
 * with the same messageId; it drops the call on any other 4xx.
 */
export type UpstreamOutcome =
  | { kind: 'delivered' }
  /** Worth retrying: Segment is down, slow, rate-limiting, or refused the relay's own credentials. */
  | { kind: 'retry'; status: 429 | 502 | 503 | 504; reason: string; retryAfter?: string; misconfigured?: boolean }
  /** Segment refused the messages themselves: retrying cannot help. */
  | { kind: 'refused'; status: 400 | 413; reason: string };

/**
 * The shortest `Retry-After` (seconds) passed back to the browser. analytics-next
 * waits what a 429 asks, up to 10 times, then drops the call: a Segment
 * answering `Retry-After: 1` for a minute would lose every call of that minute.
 * A shorter wait is raised to this one, which keeps the tries' span about as
 * long as the library's own backoff (about 4 minutes) and still waits at least
 * what Segment asked.
 */
export const MIN_RETRY_AFTER_S = 30;

/**
 * `Retry-After` as passed back: seconds, at least {@link MIN_RETRY_AFTER_S};
 * undefined when Segment gave none or a form the library cannot read (an
 * HTTP date: the library then backs off on its own).
 */
function passedRetryAfter(retryAfter: string | null): string | undefined {
  const text = retryAfter?.trim() ?? '';
  const seconds = text === '' ? Number.NaN : Number(text);
  return Number.isFinite(seconds) ? String(Math.max(Math.ceil(seconds), MIN_RETRY_AFTER_S)) : undefined;
}

/**
 * Maps Segment's status to the relay's outcome.
 *
 * @remarks
 * Pure. 2xx: delivered. 429: passed back, with its `Retry-After` raised to
 * at least {@link MIN_RETRY_AFTER_S} seconds. 408 and
 * 504: 504. 503: 503. Any other 5xx: 502 (never 501, 505 or 511, which the
 * library would drop). 400 and 413 (Segment's answers to a body it cannot
 * take): passed back, as retrying cannot help. Any other 4xx (401, 403, 404:
 * a wrong write key or upstream URL, the operator's to fix): 502, so the
 * browser keeps the events and retries while the configuration is fixed.
 */
export function outcomeOf(status: number, retryAfter: string | null): UpstreamOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  const reason = `Segment answered ${status}`;
  if (status === 429) {
    const passed = passedRetryAfter(retryAfter);
    return { kind: 'retry', status: 429, reason, ...(passed ? { retryAfter: passed } : {}) };
  }
  if (status === 408 || status === 504) return { kind: 'retry', status: 504, reason };
  if (status === 503) return { kind: 'retry', status: 503, reason };
  if (status === 400 || status === 413) return { kind: 'refused', status, reason };
  if (status >= 500) return { kind: 'retry', status: 502, reason };
  return { kind: 'retry', status: 502, reason, misconfigured: true };
}
