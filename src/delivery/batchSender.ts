import type { Scheduler } from './scheduler';
import { AnswerBehaviour, FailedAnswer, nextRetry, readAnswer, unanswered } from './retryPolicy';
import { BatchingConfig, batchRequestInit, utf8Bytes } from './batchRequest';
import { BufferedEvent, createBatchBuffer, requestBytes } from './batchBuffer';

/** The most bytes of one batch's body; Segment's API takes 500 KB. */
const MAX_BATCH_BYTES = 450 * 1024;

/**
 * `keepalive` bodies the page may have in flight at once, in bytes: the
 * browser allows 64 KB for the whole page, less room for a request of the app's own.
 */
const KEEPALIVE_BUDGET_BYTES = 60 * 1024;

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
  /** The `keepalive` bytes in flight, shared by every sender of the page (a test may give its own). */
  keepalives?: { inFlight: number };
};

/** The page's `keepalive` bytes in flight from every sender (two instances with two write keys share the allowance). */
const pageKeepalives = { inFlight: 0 };

/** What the sender tells about one event (see {@link BatchSender.add}). */
export type EventOutcomes = {
  attempted?: (failure: FailedAnswer | undefined) => void;
  done?: () => void;
};

/** See {@link createBatchSender}. */
export type BatchSender = {
  /**
   * Adds one event (the object sent, `sentAt` aside). `told.attempted` is
   * told the outcome of each request of its batch; `told.done`, once it has
   * been delivered or dropped for good (not while it waits or is retried).
   * Resolves at once if the event waits for more, or once the request it
   * completed has had its answer.
   */
  add(event: Record<string, unknown>, told?: EventOutcomes): Promise<void>;
  /** The page was hidden or left (true), or shown again (false). */
  pageHidden(hidden: boolean): void;
};

/** Events sent together; `requests`: how many times already. */
type Batch = { entries: BufferedEvent[]; requests: number; rateLimited: number };

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
  const keepalives = options.keepalives ?? pageKeepalives;
  const buffer = createBatchBuffer();
  let state: State = { kind: 'idle' };
  let flushTimer: unknown;
  let hidden = false;
  let exitQueued = false;
  /** The buffer's time is up: its events go with the next request, however few. */
  let overdue = false;

  /** The next batch: at most `config.size` events (at least one), under `maxBytes` in all. */
  const takeFromBuffer = (maxBytes: number): Batch => {
    overdue = false;
    return { entries: buffer.take(config.size, maxBytes), requests: 0, rateLimited: 0 };
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
      const events = batch.entries.map(entry => entry.json);
      const init = batchRequestInit(events, { writeKey, config, retry, sentAt: new Date(scheduler.wallNow()), keepalive });
      const answer = await post(url, init);
      return readAnswer(answer.status, answer.headers?.get('Retry-After'), options.statusOverrides);
    } catch (error) {
      return unanswered(error);
    }
  };
  /** Tells each event of `batch` the outcome of a request, and settles the call that completed it (once). */
  const attemptOver = (batch: Batch, failure: FailedAnswer | undefined) => {
    for (const entry of batch.entries) {
      const { settle } = entry;
      entry.settle = undefined;
      entry.attempted?.(failure);
      settle?.();
    }
  };
  /**
   * Sends `batch` once, with `keepalive` while the page is hidden and the
   * page's allowance has room for it, and tells its events the outcome.
   */
  const attempt = async (batch: Batch): Promise<FailedAnswer | undefined> => {
    const bytes = requestBytes(batch.entries);
    const keepalive = hidden && keepalives.inFlight + bytes <= KEEPALIVE_BUDGET_BYTES;
    if (keepalive) keepalives.inFlight += bytes;
    const failure = await request(batch, keepalive);
    if (keepalive) keepalives.inFlight -= bytes;
    attemptOver(batch, failure);
    return failure;
  };
  /** `batch` delivered, or dropped for good. */
  const finished = (batch: Batch) => {
    for (const entry of batch.entries) {
      const { done } = entry;
      entry.done = entry.attempted = undefined;
      done?.();
    }
  };

  /** Sends `batch` as the one request in flight, and what follows once it is over. */
  const send = (batch: Batch) => {
    state = { kind: 'sending' };
    void attempt(batch).then(failure => {
      const retry = failure && nextRetry(batch, failure, config.maxRetries, random);
      if (!retry) {
        finished(batch);
        state = { kind: 'idle' };
        pump();
        return;
      }
      if (retry.rateLimited) batch.rateLimited++;
      const timer = scheduler.setTimeout(() => {
        if (state.kind === 'waiting' && state.batch === batch) send(batch);
      }, retry.waitMs);
      state = { kind: 'waiting', batch, timer };
    });
  };

  /**
   * Sends `batch` (events never sent yet) beside the one in flight (the page
   * is hidden); back in the buffer if it may get through later.
   */
  const sendBeside = (batch: Batch) => {
    void attempt(batch).then(failure => {
      if (failure?.behaviour !== 'retry') {
        finished(batch);
        return;
      }
      buffer.putBack(batch.entries);
      ensureFlushTimer();
    });
  };

  /** Sends the next batch if one is due and no request is, else makes sure the buffer's time runs. */
  function pump() {
    const due = overdue || hidden || buffer.length >= config.size || buffer.bytes >= MAX_BATCH_BYTES;
    if (state.kind === 'idle' && buffer.length && due && online()) {
      clearFlushTimer();
      send(takeFromBuffer(MAX_BATCH_BYTES));
    }
    ensureFlushTimer();
  }

  /** Hidden: everything held goes now, in requests the keepalive allowance can carry, as far as it lasts. */
  const sendAllNow = () => {
    exitQueued = false;
    // A batch waiting for its retry goes now, as the one in flight, its tries counted on.
    if (state.kind === 'waiting') {
      scheduler.clearTimeout(state.timer);
      send(state.batch);
    }
    clearFlushTimer();
    while (buffer.length) sendBeside(takeFromBuffer(KEEPALIVE_BUDGET_BYTES));
  };

  return {
    add(event, told) {
      let json: string;
      try {
        json = JSON.stringify(event);
      } catch (error) {
        told?.attempted?.(unanswered(error));
        told?.done?.();
        return Promise.resolve();
      }
      const entry: BufferedEvent = { json, bytes: utf8Bytes(json), attempted: told?.attempted, done: told?.done };
      buffer.push(entry);
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

