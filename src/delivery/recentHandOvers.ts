import { StoredCall } from './callStore';

/** Most calls remembered; the oldest are forgotten first. */
const MAX_REMEMBERED = 1000;

/** How long a batch request may take, beyond the batcher's timeout, before a call is forgotten. */
const REQUEST_MS = 10_000;

/**
 * Most characters of calls given back, the newest first: a quarter of the
 * carry-over store, whose other calls (never sent) must not be pushed out
 * by copies of calls that may well have arrived; four times the 64 KB the
 * browser lets a page send as it goes.
 */
const MAX_CHARS = 250_000;

/** See {@link createRecentHandOvers}. */
export type RecentHandOvers = {
  /** Remembers a call just handed to the library, as it would be stored. */
  add(call: StoredCall): void;
  /** The calls handed over within the window, oldest first (the newest, {@link MAX_CHARS} at most). */
  recent(): StoredCall[];
};

/**
 * The calls handed to the library within the last `timeoutMs` (the
 * batcher's) plus {@link REQUEST_MS} (at most {@link MAX_REMEMBERED}), on
 * the monotonic clock `now`. Copies: most will have arrived, and are resent
 * with their `messageId`, which Segment de-duplicates.
 *
 * @remarks
 * With `batching`, the batcher (`batchSender.ts`) holds what it is given in
 * memory until its timer or a full batch, and a batch request started
 * without `keepalive` is cancelled when the page is unloaded: what the page
 * is unloaded with in either place would be lost, and what it sends at that
 * moment goes with `keepalive` only within the 64 KB the browser allows a page.
 * The transport remembers these calls, delivery stores them with the rest
 * on `pagehide`, and the next load resends them with the
 * same `messageId` (Segment de-duplicates).
 */
export function createRecentHandOvers(timeoutMs: number, now: () => number): RecentHandOvers {
  const windowMs = timeoutMs + REQUEST_MS;
  const calls: { at: number; call: StoredCall }[] = [];
  const forgetOld = () => {
    while (calls.length > MAX_REMEMBERED || (calls.length && calls[0].at < now() - windowMs)) calls.shift();
  };
  return {
    add(call) {
      calls.push({ at: now(), call });
      forgetOld();
    },
    recent() {
      forgetOld();
      let from = calls.length;
      for (let chars = 0; from > 0; from--) {
        chars += JSON.stringify(calls[from - 1].call).length;
        if (chars > MAX_CHARS) break;
      }
      return calls.slice(from).map(entry => entry.call);
    },
  };
}
