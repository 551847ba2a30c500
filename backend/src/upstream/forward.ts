import type { JsonObject } from '../wire/checkMessage';
import { batchBodies } from './batchBodies';
import { outcomeOf, type UpstreamOutcome } from './outcome';

/** Where and how the relay forwards. */
export type Upstream = {
  /** Segment's tracking API base (`.../v1`); the relay posts to `{url}/batch`. */
  url: string;
  writeKey: string;
  timeoutMs: number;
};

async function post(upstream: Upstream, body: string, deadline: number): Promise<UpstreamOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - performance.now()));
  try {
    const response = await fetch(`${upstream.url}/batch`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from(`${upstream.writeKey}:`, 'utf8').toString('base64')}`,
      },
      body,
      signal: controller.signal,
      // A redirect could carry the write key elsewhere: treated as a failure.
      redirect: 'error',
    });
    await response.body?.cancel().catch(() => undefined);
    return outcomeOf(response.status, response.headers.get('retry-after'));
  } catch {
    return controller.signal.aborted
      ? { kind: 'retry', status: 504, reason: `Segment did not answer within ${upstream.timeoutMs} ms` }
      : { kind: 'retry', status: 502, reason: 'Segment could not be reached (network error or redirect)' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sends `messages` to Segment's `/batch` endpoint with the write key as HTTP
 * Basic auth, all of it within `timeoutMs` (one deadline for every body a
 * large request was split into); stops at the first request that fails and
 * returns its outcome.
 *
 * @remarks
 * When a request after the first fails, the browser retries the whole call
 * and Segment receives the earlier messages again with the same messageIds,
 * which it deduplicates. Nothing is queued here: a failure goes back to the
 * browser, whose library retries.
 */
export async function forward(upstream: Upstream, messages: readonly JsonObject[], sentAt?: string): Promise<UpstreamOutcome> {
  const deadline = performance.now() + upstream.timeoutMs;
  for (const body of batchBodies(messages, sentAt)) {
    const outcome = await post(upstream, body, deadline);
    if (outcome.kind !== 'delivered') return outcome;
  }
  return { kind: 'delivered' };
}
