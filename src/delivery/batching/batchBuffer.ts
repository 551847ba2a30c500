import type { FailedAnswer } from './retryPolicy';
import { ENVELOPE_BYTES } from './batchRequest';

/** One event waiting in (or taken from) a {@link BatchBuffer}. */
export type BufferedEvent = {
  /** The event as sent (serialized when added, as it was then). */
  json: string;
  /** An upper bound on its UTF-8 bytes. */
  bytes: number;
  /** Told the outcome of each request of its batch. */
  attempted?: (failure: FailedAnswer | undefined) => void;
  /** Told once it has been delivered or dropped for good. */
  done?: () => void;
  /** Told when a request with `keepalive` carries it. */
  carried?: () => void;
  /** Resolves the promise of the call that completed its batch. */
  settle?: () => void;
  /** In a batch: sent, or being sent. */
  taken?: boolean;
};

/** See {@link createBatchBuffer}. */
export type BatchBuffer = {
  readonly length: number;
  /** The bytes of the events held (upper bound). */
  readonly bytes: number;
  push(event: BufferedEvent): void;
  /** Takes the oldest events: at most `most` (at least one), as long as a request carrying them stays under `maxBytes` (and the limit a 413 set). */
  take(most: number, maxBytes: number): BufferedEvent[];
  /** Puts events taken earlier back in front, in their order. */
  putBack(events: BufferedEvent[]): void;
  /**
   * Puts back the events of a request refused as too large (413: a proxy's
   * limit on the body, not the events); from now on a take carries at most
   * half its events' bytes (the envelope aside).
   */
  refusedAsTooLarge(events: BufferedEvent[]): void;
  /** Whether a request carrying what it holds would reach `maxBytes` (or the limit a 413 set). */
  fills(maxBytes: number): boolean;
};

/** The events a batcher holds, oldest first, with their bytes counted as they come and go. */
export function createBatchBuffer(): BatchBuffer {
  let events: BufferedEvent[] = [];
  let bytes = 0;
  let requestLimit = Infinity;
  const putBack = (taken: BufferedEvent[]) => {
    events = [...taken, ...events];
    for (const event of taken) bytes += event.bytes;
  };
  return {
    get length() {
      return events.length;
    },
    get bytes() {
      return bytes;
    },
    push(event) {
      events.push(event);
      bytes += event.bytes;
    },
    take(most, maxBytes) {
      const mostBytes = Math.min(maxBytes, requestLimit);
      const limit = Math.min(events.length, Math.max(1, most));
      let count = 0;
      let size = ENVELOPE_BYTES;
      while (count < limit && (count === 0 || size + events[count].bytes + 1 <= mostBytes)) size += events[count++].bytes + 1;
      const taken = events.splice(0, count);
      for (const event of taken) {
        bytes -= event.bytes;
        event.taken = true;
      }
      return taken;
    },
    putBack,
    refusedAsTooLarge(taken) {
      // Never up again: of two requests refused at once (the page hidden), the larger may be answered last.
      requestLimit = Math.min(requestLimit, ENVELOPE_BYTES + Math.floor((requestBytes(taken) - ENVELOPE_BYTES) / 2));
      putBack(taken);
    },
    fills(maxBytes) {
      return ENVELOPE_BYTES + bytes + events.length >= Math.min(maxBytes, requestLimit);
    },
  };
}

/** The bytes of a request carrying `events` (an upper bound). */
export function requestBytes(events: BufferedEvent[]): number {
  let size = ENVELOPE_BYTES;
  for (const event of events) size += event.bytes + 1;
  return size;
}

/** Tells each of `events` the outcome of a request (unless `told` is false), and settles the call that completed their batch (once). */
export function tellAttempt(events: BufferedEvent[], failure: FailedAnswer | undefined, told = true): void {
  for (const entry of events) {
    const { settle } = entry;
    entry.settle = undefined;
    if (told) entry.attempted?.(failure);
    settle?.();
  }
}

/** Tells each of `events` that it has been delivered, or dropped for good. */
export function tellDone(events: BufferedEvent[]): void {
  for (const entry of events) {
    const { done } = entry;
    entry.done = entry.attempted = entry.carried = undefined;
    done?.();
  }
}

/** Events that will not be sent (analytics switched off): the calls of their batch settle, and they are done. */
export function dropped(events: BufferedEvent[]): void {
  tellAttempt(events, undefined, false);
  tellDone(events);
}
