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
 * Basic auth, within `timeoutMs`: a request too large for one body (the
 * server's ids and group calls made it grow) goes as several, sent at once
 * under one deadline; the outcome is the first failure in order, if any.
 *
 * @remarks
 * When one body fails, the browser retries the whole call and Segment
 * receives the other messages again with the same messageIds, which it
 * deduplicates. Nothing is queued here: a failure goes back to the browser,
 * whose library retries.
 */
export async function forward(upstream: Upstream, messages: readonly JsonObject[], sentAt?: string): Promise<UpstreamOutcome> {
  const deadline = performance.now() + upstream.timeoutMs;
  const outcomes = await Promise.all(batchBodies(messages, sentAt).map(body => post(upstream, body, deadline)));
  return outcomes.find(outcome => outcome.kind !== 'delivered') ?? { kind: 'delivered' };
}
