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
  /** The batcher holds the call with this messageId: remembered, past the window, until {@link settled}. */
  holding(messageId: string): void;
  /** The call was delivered, or dropped for good: forgotten. */
  settled(messageId: string): void;
  /** The calls handed over within the window or still held, oldest first (the newest, {@link MAX_CHARS} at most). */
  recent(): StoredCall[];
};

type Remembered = { at: number; call: StoredCall; held: boolean; gone: boolean };

/**
 * The calls handed to the library within the last `timeoutMs` (the
 * batcher's) plus {@link REQUEST_MS}, and those the batcher still holds
 * (waiting for their batch, for the browser to be online again, or for a
 * retry), until delivered or dropped; at most {@link MAX_REMEMBERED}, on
 * the monotonic clock `now`. Copies: most will have arrived, and are resent
 * with their `messageId`, which Segment de-duplicates.
 *
 * @remarks
 * With `batching`, the batcher (`batchSender.ts`) holds what it is given in
 * memory until its timer or a full batch (or longer, offline or retrying),
 * and a batch request started without `keepalive` is cancelled when the
 * page is unloaded: what the page is unloaded with in either place would be
 * lost, and what it sends at that moment goes with `keepalive` only within
 * the 64 KB the browser allows a page. The transport remembers these calls,
 * delivery stores them with the rest on `pagehide`, and the next load
 * resends them with the same `messageId` (Segment de-duplicates).
 */
export function createRecentHandOvers(timeoutMs: number, now: () => number): RecentHandOvers {
  const windowMs = timeoutMs + REQUEST_MS;
  let calls: Remembered[] = [];
  const byId = new Map<string, Remembered>();
  /** Calls settled since the list was last compacted (they may sit behind held ones). */
  let settledSince = 0;
  const forgotten = (entry: Remembered) => entry.gone || (!entry.held && entry.at < now() - windowMs);
  const forget = (entry: Remembered) => {
    entry.gone = true;
    if (byId.get(entry.call.messageId) === entry) byId.delete(entry.call.messageId);
  };
  const forgetOld = () => {
    while (calls.length > MAX_REMEMBERED || (calls.length && forgotten(calls[0]))) forget(calls.shift()!);
    // Held calls stay in place: what was settled behind them goes once it is a quarter of the list.
    if (calls.length > 64 && settledSince > calls.length / 4) {
      for (const entry of calls) if (forgotten(entry)) forget(entry);
      calls = calls.filter(entry => !entry.gone);
      settledSince = 0;
    }
  };
  return {
    add(call) {
      const entry = { at: now(), call, held: false, gone: false };
      calls.push(entry);
      byId.set(call.messageId, entry);
      forgetOld();
    },
    holding(messageId) {
      const entry = byId.get(messageId);
      if (entry) entry.held = true;
    },
    settled(messageId) {
      const entry = byId.get(messageId);
      if (!entry) return;
      forget(entry);
      settledSince++;
    },
    recent() {
      forgetOld();
      const kept = calls.filter(entry => !forgotten(entry));
      let from = kept.length;
      for (let chars = 0; from > 0; from--) {
        chars += JSON.stringify(kept[from - 1].call).length;
        if (chars > MAX_CHARS) break;
      }
      return kept.slice(from).map(entry => entry.call);
    },
  };
}
