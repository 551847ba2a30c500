import type { Scheduler } from './scheduler';
import { AnswerBehaviour, backoffMs, FailedAnswer, MAX_RETRIES, readAnswer, unanswered } from './retryPolicy';

/** The most bytes of one batch's body; Segment's API takes 500 KB. */
const MAX_BATCH_BYTES = 450 * 1024;

/**
 * `keepalive` bodies the page may have in flight at once, in bytes: the
 * browser allows 64 KB for the whole page, less room for a request of the app's own.
 */
const KEEPALIVE_BUDGET_BYTES = 60 * 1024;

/** `{"writeKey":…,"batch":[…],"sentAt":"…"}` around the events, with room for a long write key. */
const ENVELOPE_BYTES = 256;

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

/** What sends one request: the browser's `fetch` (looked up at each call). */
export type PostBatch = (url: string, init: RequestInit) => Promise<{ status: number; headers?: { get(name: string): string | null } }>;

/** See {@link createBatchSender}. */
export type BatchSenderOptions = {
  /** Segment's batch endpoint (`…/b`). */
  url: string;
  writeKey: string;
  config: BatchingConfig;
  /** Statuses answered otherwise than 4xx drops, 5xx retries (the library's `httpConfig`). */
  statusOverrides?: Readonly<Record<string, AnswerBehaviour>>;
  scheduler: Pick<Scheduler, 'setTimeout' | 'clearTimeout' | 'wallNow'>;
  post: PostBatch;
  /** False while the browser says it is offline: batches wait, no try is spent. */
  online?: () => boolean;
  random?: () => number;
};

/** See {@link createBatchSender}. */
export type BatchSender = {
  /**
   * Adds one event (the object sent, `sentAt` aside). `attempted` is told
   * the outcome of its batch's first request. Resolves at once if the event
   * waits for more, or once the request it completed has had its answer.
   */
  add(event: Record<string, unknown>, attempted?: (failure: FailedAnswer | undefined) => void): Promise<void>;
  /** The page was hidden or left (true), or shown again (false). */
  pageHidden(hidden: boolean): void;
};

type Entry = {
  /** The event as sent (serialized when added, as it was then). */
  json: string;
  bytes: number;
  attempted?: (failure: FailedAnswer | undefined) => void;
  settle?: () => void;
  /** In a batch: sent, or being sent. */
  taken?: boolean;
};

/** Events sent together; `requests`: how many times already. */
type Batch = { entries: Entry[]; requests: number; rateLimited: number };

/** One request at a time: none, one in flight, or a failed batch waiting for its retry. */
type State = { kind: 'idle' } | { kind: 'sending' } | { kind: 'waiting'; batch: Batch; timer: unknown };

/**
 * Sends events to Segment's batch endpoint in batches of `config.size`
 * (fewer after `config.timeout` ms, or when the next would pass 450 KB),
 * one request at a time, each batch retried on its own before the next.
 *
 * @remarks
 * Each event is serialized once, when added, and its size counted then:
 * a batch's body is those texts joined, so the cost per event does not
 * grow with the batch size (the library's own batcher serializes its whole
 * buffer for each event it adds and each batch it builds).
 *
 * Answers are taken as `@segment/analytics-next` takes them (see
 * `readAnswer`): a 5xx, 408, 410, 429 or 460, or no answer, is tried again
 * after a growing wait (a 429's `Retry-After` when given), with the same
 * events and `messageId`s, `_metadata.retryCount` and `X-Retry-Count`; up
 * to `config.maxRetries` (10) times; other 4xx are dropped.
 *
 * While the page is hidden, what is buffered (and a batch waiting for its
 * retry) is sent at once, and so is each event added then, in requests
 * with `keepalive` as long as the page's 64 KB allowance lasts (each under
 * it), the rest without (they complete if the page stays, and the next
 * page load resends what the delivery kept).
 */
export function createBatchSender(options: BatchSenderOptions): BatchSender {
  const { url, writeKey, config, scheduler, post } = options;
  const online = options.online ?? (() => true);
  const random = options.random ?? Math.random;
  let buffer: Entry[] = [];
  let bufferBytes = 0;
  let state: State = { kind: 'idle' };
  let flushTimer: unknown;
  let hidden = false;
  let exitQueued = false;
  let keepaliveInFlight = 0;
  /** The buffer's time is up: its events go with the next request, however few. */
  let overdue = false;

  /** The next batch: at most `config.size` events (at least one), under `maxBytes` in all. */
  const takeFromBuffer = (maxBytes: number): Batch => {
    const most = Math.min(buffer.length, Math.max(1, config.size));
    let count = 0;
    let bytes = ENVELOPE_BYTES;
    while (count < most && (count === 0 || bytes + buffer[count].bytes + 1 <= maxBytes)) bytes += buffer[count++].bytes + 1;
    const entries = buffer.splice(0, count);
    for (const entry of entries) {
      bufferBytes -= entry.bytes;
      entry.taken = true;
    }
    overdue = false;
    return { entries, requests: 0, rateLimited: 0 };
  };
  const putBack = (entries: Entry[]) => {
    buffer = [...entries, ...buffer];
    for (const entry of entries) bufferBytes += entry.bytes;
  };
  const clearFlushTimer = () => {
    if (flushTimer !== undefined) scheduler.clearTimeout(flushTimer);
    flushTimer = undefined;
  };
  const ensureFlushTimer = () => {
    if (flushTimer !== undefined || !buffer.length) return;
    flushTimer = scheduler.setTimeout(() => {
      flushTimer = undefined;
      overdue = true;
      pump();
    }, config.timeout);
  };

  /** Sends `batch` once; resolves with its failure, never rejects. */
  const request = async (batch: Batch, keepalive: boolean): Promise<FailedAnswer | undefined> => {
    const retry = batch.requests;
    batch.requests++;
    try {
      const events = batch.entries.map(entry => (retry ? withRetryCount(entry.json, retry) : entry.json));
      const custom = typeof config.headers === 'function' ? config.headers() : config.headers;
      const headers: Record<string, string> = { 'Content-Type': 'text/plain', ...custom, Authorization: `Basic ${btoa(`${writeKey}:`)}` };
      if (retry) headers['X-Retry-Count'] = String(retry);
      const sentAt = new Date(scheduler.wallNow()).toISOString();
      const body = `{"writeKey":${JSON.stringify(writeKey)},"batch":[${events.join(',')}],"sentAt":"${sentAt}"}`;
      const answer = await post(url, { method: 'post', headers, body, keepalive, credentials: config.credentials });
      return readAnswer(answer.status, answer.headers?.get('Retry-After'), options.statusOverrides);
    } catch (error) {
      return unanswered(error);
    }
  };
  /** Tells each event of `batch` the outcome of its first request (later ones: nothing). */
  const firstAttemptOver = (batch: Batch, failure: FailedAnswer | undefined) => {
    for (const entry of batch.entries) {
      const { attempted, settle } = entry;
      entry.attempted = entry.settle = undefined;
      attempted?.(failure);
      settle?.();
    }
  };
  /** The wait before `batch` is sent again after `failure`; undefined: given up. */
  const retryWait = (batch: Batch, failure: FailedAnswer | undefined): number | undefined => {
    if (!failure || failure.behaviour === 'drop') return undefined;
    if (failure.retryAfterMs !== undefined && batch.rateLimited < MAX_RETRIES) {
      batch.rateLimited++;
      return failure.retryAfterMs;
    }
    const tries = batch.requests - batch.rateLimited;
    return tries <= (config.maxRetries ?? MAX_RETRIES) ? backoffMs(tries, random) : undefined;
  };
  /**
   * Sends `batch` once, with `keepalive` while the page is hidden and the
   * page's allowance has room for it, and tells its events the first outcome.
   */
  const attempt = async (batch: Batch): Promise<FailedAnswer | undefined> => {
    const bytes = bytesOf(batch.entries);
    const keepalive = hidden && keepaliveInFlight + bytes <= KEEPALIVE_BUDGET_BYTES;
    if (keepalive) keepaliveInFlight += bytes;
    const failure = await request(batch, keepalive);
    if (keepalive) keepaliveInFlight -= bytes;
    firstAttemptOver(batch, failure);
    return failure;
  };

  /** Sends `batch` as the one request in flight, and what follows once it is over. */
  const send = (batch: Batch) => {
    state = { kind: 'sending' };
    void attempt(batch).then(failure => {
      const wait = retryWait(batch, failure);
      if (wait === undefined) {
        state = { kind: 'idle' };
        pump();
        return;
      }
      const timer = scheduler.setTimeout(() => {
        if (state.kind === 'waiting' && state.batch === batch) send(batch);
      }, wait);
      state = { kind: 'waiting', batch, timer };
    });
  };

  /** Sends `batch` beside the one in flight (the page is hidden); kept for later if it may get through then. */
  const sendBeside = (batch: Batch) => {
    void attempt(batch).then(failure => {
      if (failure?.behaviour !== 'retry') return;
      putBack(batch.entries);
      ensureFlushTimer();
    });
  };

  /** Sends the next batch if one is due and no request is, else makes sure the buffer's time runs. */
  function pump() {
    const due = overdue || hidden || buffer.length >= config.size || bufferBytes >= MAX_BATCH_BYTES;
    if (state.kind === 'idle' && buffer.length && due && online()) {
      clearFlushTimer();
      send(takeFromBuffer(MAX_BATCH_BYTES));
    }
    ensureFlushTimer();
  }

  /** Hidden: everything held goes now, in requests the keepalive allowance can carry, as far as it lasts. */
  const sendAllNow = () => {
    exitQueued = false;
    if (state.kind === 'waiting') {
      scheduler.clearTimeout(state.timer);
      putBack(state.batch.entries);
      state = { kind: 'idle' };
    }
    clearFlushTimer();
    while (buffer.length) sendBeside(takeFromBuffer(KEEPALIVE_BUDGET_BYTES));
  };

  return {
    add(event, attempted) {
      let json: string;
      try {
        json = JSON.stringify(event);
      } catch (error) {
        attempted?.(unanswered(error));
        return Promise.resolve();
      }
      const entry: Entry = { json, bytes: utf8Bytes(json), attempted };
      buffer.push(entry);
      bufferBytes += entry.bytes;
      const settled = new Promise<void>(resolve => {
        entry.settle = resolve;
      });
      if (hidden) {
        if (!exitQueued) void Promise.resolve().then(sendAllNow);
        exitQueued = true;
        return settled;
      }
      pump();
      // Still buffered: it waits for more, and the caller need not.
      return entry.taken ? settled : Promise.resolve();
    },
    pageHidden(now) {
      hidden = now;
      if (hidden) sendAllNow();
    },
  };
}

/** An event's text as sent again: its `_metadata` tells how many tries it had (as the library's batcher does). */
function withRetryCount(json: string, retryCount: number): string {
  const event = JSON.parse(json);
  const metadata = event._metadata;
  if (metadata && typeof metadata === 'object') event._metadata = { ...metadata, retryCount };
  return JSON.stringify(event);
}

function bytesOf(entries: Entry[]): number {
  let bytes = ENVELOPE_BYTES;
  for (const entry of entries) bytes += entry.bytes + 1;
  return bytes;
}

/** An upper bound on the UTF-8 bytes of `text`: one per ASCII unit, two per other Latin and Greek letters, three else. */
function utf8Bytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) bytes += code < 0x800 ? 1 : 2;
  }
  return bytes;
}
