import { FailedAnswer, nextRetry, unanswered } from './retryPolicy';
import type { BatchSender, BatchSenderOptions } from './batchSenderTypes';
import { postBatchWithin, utf8Bytes } from './batchRequest';
import { BufferedEvent, createBatchBuffer, dropped, requestBytes, tellAttempt, tellDone } from './batchBuffer';
import { KEEPALIVE_BUDGET_BYTES, pageKeepalives, takeKeepalive } from './keepaliveAllowance';

/** The most bytes of one batch's body; Segment's API takes 500 KB. */
const MAX_BATCH_BYTES = 450 * 1024;

/** How often a batcher that waits for the browser to be online again looks. */
const OFFLINE_POLL_MS = 1000;

export type { PostBatch } from './batchRequest';
export type { BatchSender, BatchSenderOptions, EventOutcomes } from './batchSenderTypes';

/** Events sent together; `requests`: how many times already. */
type Batch = { entries: BufferedEvent[]; requests: number; rateLimited: number };

/**
 * One request at a time: none, one in flight, or a failed batch waiting for
 * its retry (and for the browser to be online); or stopped for good.
 */
type State = { kind: 'idle' } | { kind: 'sending' } | { kind: 'waiting'; batch: Batch; timer: unknown } | { kind: 'stopped' };

/**
 * Sends events to Segment's batch endpoint in batches of `config.size`
 * (fewer after `config.timeout` ms, or when the next would pass 450 KB),
 * one request at a time, each batch retried on its own before the next.
 *
 * @remarks
 * Each event is serialized once, when added, and its size counted then: a
 * batch's body is those texts joined, so the cost per event does not grow
 * with the batch size (the library's batcher serializes its whole buffer for
 * each event it adds and each batch it builds).
 *
 * Answers are taken as `@segment/analytics-next` takes them (see `nextRetry`):
 * a 5xx, 408, 410, 429 or 460, or no answer, is tried again after a growing
 * wait (or a 429's longer `Retry-After`), with the same events and
 * `messageId`s, `_metadata.retryCount` and `X-Retry-Count`, up to
 * `config.maxRetries` (10) times; other 4xx are dropped, but a 413 (a proxy's
 * limit on the body) for several events sends them again in smaller requests.
 *
 * While the page is hidden, what is buffered is sent at once, and what is
 * added then in the next task (together; while no batch waits for its retry),
 * in requests with `keepalive` as long as the page's 64 KB allowance lasts
 * (each under it), the rest without (they complete if the page stays; the
 * next load resends what the delivery kept). A batch waiting for its retry
 * keeps waiting (the delivery keeps it if the page is left), and waits on
 * while the browser is offline, spending no try.
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
  /** While hidden: what is added goes in the next task, all together. */
  let hiddenFlush: unknown;
  /** The buffer's time is up: its events go with the next request, however few. */
  let overdue = false;

  /** The next batch: at most `config.size` events (at least one), under `maxBytes` in all. */
  const takeFromBuffer = (maxBytes: number): Batch => {
    overdue = false;
    return { entries: buffer.take(config.size, maxBytes), requests: 0, rateLimited: 0 };
  };
  /** Several events refused as too large (413): the request's size, not theirs; they go again in smaller requests. */
  const tooLarge = (batch: Batch, failure: FailedAnswer | undefined) => failure?.status === 413 && batch.entries.length > 1;
  /** Puts events refused as too large back in the buffer, to go at once in smaller requests; true when so. */
  const splitWhenTooLarge = (batch: Batch, failure: FailedAnswer | undefined): boolean => {
    if (!tooLarge(batch, failure)) return false;
    buffer.refusedAsTooLarge(batch.entries);
    overdue = true;
    return true;
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
    }, online() ? config.timeout : Math.max(config.timeout, OFFLINE_POLL_MS));
  };

  /** Sends `batch` once; resolves with its failure (no answer in time is one), never rejects. */
  const request = (batch: Batch, keepalive: boolean) => {
    const retry = batch.requests++;
    const parts = { writeKey, config, retry, sentAt: new Date(scheduler.wallNow()), keepalive };
    return postBatchWithin(scheduler, post, url, batch.entries.map(entry => entry.json), parts, options.statusOverrides);
  };
  /**
   * Sends `batch` once, with `keepalive` while the page is hidden and the
   * page's allowance has room for it, and tells its events the outcome
   * (not a 413 that splits them).
   */
  const attempt = async (batch: Batch): Promise<FailedAnswer | undefined> => {
    const allowance = hidden ? takeKeepalive(keepalives, requestBytes(batch.entries)) : undefined;
    if (allowance) for (const entry of batch.entries) entry.carried?.();
    const failure = await request(batch, allowance !== undefined);
    allowance?.release();
    // Split, they are not told of a failure (no warning for events that still go): only their call settles.
    tellAttempt(batch.entries, failure, !tooLarge(batch, failure));
    return failure;
  };

  /** Sends `batch` as the one request in flight, and what follows once it is over. */
  const send = (batch: Batch) => {
    state = { kind: 'sending' };
    void attempt(batch).then(failure => {
      if (state.kind === 'stopped') {
        dropped(batch.entries);
        return;
      }
      const split = splitWhenTooLarge(batch, failure);
      const retry = !split && failure && nextRetry(batch, failure, config.maxRetries, random);
      if (!retry) {
        if (!split) tellDone(batch.entries);
        state = { kind: 'idle' };
        pump();
        return;
      }
      if (retry.rateLimited) batch.rateLimited++;
      retryLater(batch, retry.waitMs);
    });
  };
  /** `batch` is sent again after `waitMs`, once the browser is online. */
  function retryLater(batch: Batch, waitMs: number) {
    const timer = scheduler.setTimeout(() => {
      if (state.kind !== 'waiting' || state.batch !== batch) return;
      if (online()) send(batch);
      else retryLater(batch, OFFLINE_POLL_MS);
    }, waitMs);
    state = { kind: 'waiting', batch, timer };
  }

  /**
   * Sends `batch` (events never sent yet) beside the one in flight (the page
   * is hidden); back in the buffer if it may get through later (at once,
   * in smaller requests, if it was too large).
   */
  const sendBeside = (batch: Batch) => {
    void attempt(batch).then(failure => {
      if (state.kind === 'stopped') {
        dropped(batch.entries);
        return;
      }
      if (splitWhenTooLarge(batch, failure)) {
        pump();
        return;
      }
      if (failure?.behaviour !== 'retry') {
        tellDone(batch.entries);
        return;
      }
      buffer.putBack(batch.entries);
      ensureFlushTimer();
    });
  };

  /** Sends the next batch if one is due and no request is, else makes sure the buffer's time runs. */
  function pump() {
    if (state.kind === 'stopped') return;
    const due = overdue || hidden || buffer.length >= config.size || buffer.fills(MAX_BATCH_BYTES);
    if (state.kind === 'idle' && buffer.length && due && online()) {
      clearFlushTimer();
      send(takeFromBuffer(MAX_BATCH_BYTES));
    }
    ensureFlushTimer();
  }

  /** Hidden: what is buffered goes now, in requests the keepalive allowance can carry, as far as it lasts. */
  const sendBuffered = () => {
    clearFlushTimer();
    while (buffer.length) sendBeside(takeFromBuffer(KEEPALIVE_BUDGET_BYTES));
  };

  return {
    add(event, told) {
      if (state.kind === 'stopped') {
        told?.done?.();
        return Promise.resolve();
      }
      let json: string;
      try {
        json = JSON.stringify(event);
      } catch (error) {
        told?.attempted?.(unanswered(error));
        told?.done?.();
        return Promise.resolve();
      }
      const entry: BufferedEvent = { json, bytes: utf8Bytes(json), attempted: told?.attempted, done: told?.done, carried: told?.carried };
      buffer.push(entry);
      const settled = new Promise<void>(resolve => {
        entry.settle = resolve;
      });
      if (hidden) {
        if (hiddenFlush === undefined) {
          hiddenFlush = scheduler.setTimeout(() => {
            hiddenFlush = undefined;
            // While a batch waits for its retry, the others wait behind it (kept by the delivery if the page goes).
            if (hidden && state.kind !== 'waiting') sendBuffered();
            else pump();
          }, 0);
        }
        return settled;
      }
      pump();
      // Still buffered: it waits for more, and the caller need not.
      return entry.taken ? settled : Promise.resolve();
    },
    pageHidden(now) {
      hidden = now;
      if (hidden && state.kind !== 'stopped') sendBuffered();
    },
    stop() {
      if (state.kind === 'waiting') {
        scheduler.clearTimeout(state.timer);
        dropped(state.batch.entries);
      }
      state = { kind: 'stopped' };
      clearFlushTimer();
      if (hiddenFlush !== undefined) scheduler.clearTimeout(hiddenFlush);
      hiddenFlush = undefined;
      while (buffer.length) dropped(buffer.take(Infinity, Infinity));
    },
  };
}

