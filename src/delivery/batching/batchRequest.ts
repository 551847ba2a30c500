import { AnswerBehaviour, FailedAnswer, readAnswer, unanswered } from './retryPolicy';
import type { Scheduler } from '../../time/scheduler';

/** `{"writeKey":…,"batch":[…],"sentAt":"…"}` around the events, with room for a long write key. */
export const ENVELOPE_BYTES = 256;

/**
 * The batching strategy's config, as given to the library (`toLoadArguments`),
 * read again on each request: `cutOffLibrary` changes it when the user says no.
 */
export type BatchingConfig = {
  size: number;
  timeout: number;
  credentials?: RequestCredentials;
  headers?: Record<string, string> | (() => Record<string, string>);
  maxRetries?: number;
};

/** What one batch request needs besides its events. */
export type BatchRequestParts = {
  writeKey: string;
  config: BatchingConfig;
  /** Requests of this batch before this one: 0 for the first. */
  retry: number;
  sentAt: Date;
  keepalive: boolean;
  /** Cancels the request (no answer in time). */
  signal?: AbortSignal;
};

/**
 * The `fetch` options of one request to Segment's batch endpoint, as the
 * library's batcher makes them: the events' texts joined into the body
 * (each serialized once, when it was added), the write key as Basic
 * authorization, the strategy's own headers (read now: `cutOffLibrary`
 * changes them), and on a retry each event's `_metadata.retryCount` and an
 * `X-Retry-Count` header. Throws what the strategy's `headers` throws.
 */
function batchRequestInit(events: string[], { writeKey, config, retry, sentAt, keepalive, signal }: BatchRequestParts): RequestInit {
  const custom = typeof config.headers === 'function' ? config.headers() : config.headers;
  const headers: Record<string, string> = { 'Content-Type': 'text/plain', ...custom, Authorization: `Basic ${btoa(`${writeKey}:`)}` };
  if (retry) headers['X-Retry-Count'] = String(retry);
  const batch = retry ? events.map(json => withRetryCount(json, retry)) : events;
  const body = `{"writeKey":${JSON.stringify(writeKey)},"batch":[${batch.join(',')}],"sentAt":"${sentAt.toISOString()}"}`;
  return { method: 'post', headers, body, keepalive, credentials: config.credentials, ...(signal && { signal }) };
}

/** What sends one request: the browser's `fetch` (looked up at each call). */
export type PostBatch = (url: string, init: RequestInit) => Promise<{ status: number; headers?: { get(name: string): string | null } }>;

/**
 * Sends one request carrying `events` (see {@link batchRequestInit}) and
 * resolves with its failure as `readAnswer` takes it (undefined: it got
 * through); never rejects. A `keepalive` request the browser refuses (past
 * the page's 64 KB allowance, which every request of the page shares) goes
 * again at once without `keepalive`, as the same try.
 */
async function postBatch(
  post: PostBatch,
  url: string,
  events: string[],
  parts: BatchRequestParts,
  statusOverrides?: Readonly<Record<string, AnswerBehaviour>>,
): Promise<FailedAnswer | undefined> {
  try {
    const init = batchRequestInit(events, parts);
    const answer = await post(url, init).catch(error => (init.keepalive ? post(url, { ...init, keepalive: false }) : Promise.reject(error)));
    return readAnswer(answer.status, answer.headers?.get('Retry-After'), statusOverrides);
  } catch (error) {
    return unanswered(error);
  }
}

/**
 * Longest wait for a request's answer: then it is cancelled and counts as
 * unanswered (tried again later). One left hanging (a proxy holding it, a
 * half-open connection after the network changed) held the batcher, and so
 * every later event of the page. A 450 KB batch takes about 58 s at 64 kbit/s.
 */
const ANSWER_TIMEOUT_MS = 60_000;

/**
 * {@link postBatch}, cancelled when no answer has come within
 * {@link ANSWER_TIMEOUT_MS}: it then resolves as unanswered. Never rejects.
 */
export function postBatchWithin(
  timers: Pick<Scheduler, 'setTimeout' | 'clearTimeout'>,
  ...[post, url, events, parts, statusOverrides]: Parameters<typeof postBatch>
): Promise<FailedAnswer | undefined> {
  const cancel = typeof AbortController === 'function' ? new AbortController() : undefined;
  return new Promise(resolve => {
    const timer = timers.setTimeout(() => {
      cancel?.abort();
      resolve(unanswered(new Error(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`)));
    }, ANSWER_TIMEOUT_MS);
    void postBatch(post, url, events, { ...parts, signal: cancel?.signal }, statusOverrides).then(failure => {
      timers.clearTimeout(timer);
      resolve(failure);
    });
  });
}

/** An event's text as sent again: its `_metadata` tells how many tries it had (as the library's batcher does). */
function withRetryCount(json: string, retryCount: number): string {
  const event = JSON.parse(json);
  const metadata = event._metadata;
  if (metadata && typeof metadata === 'object') event._metadata = { ...metadata, retryCount };
  return JSON.stringify(event);
}


/** An upper bound on the UTF-8 bytes of `text`: one per ASCII unit, two per other Latin and Greek letters, three else. */
export function utf8Bytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) bytes += code < 0x800 ? 1 : 2;
  }
  return bytes;
}
