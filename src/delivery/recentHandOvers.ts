import { StoredCall } from './callStore';

/** Most calls remembered; the oldest are forgotten first. */
const MAX_REMEMBERED = 1000;

/** How long a batch request may take, beyond the batcher's timeout, before a call is forgotten. */
const REQUEST_MS = 10_000;

/**
 * Most characters of calls given back: half the carry-over store, whose
 * other calls (never sent) must not be pushed out by copies of calls that
 * may well have arrived; room for the largest batch (450 KB) in a request
 * the page's unloading cancels.
 */
const MAX_CHARS = 500_000;

/** See {@link createRecentHandOvers}. */
export type RecentHandOvers = {
  /** Remembers a call just handed to the library, as it would be stored. */
  add(call: StoredCall): void;
  /** The batcher holds the call with this messageId: remembered, past the window, until {@link settled}. */
  holding(messageId: string): void;
  /** The call was delivered, or dropped for good: forgotten. */
  settled(messageId: string): void;
  /** A call of the library's own (identify, group) was handed over with this messageId: followed until settled. */
  handed(messageId: string): void;
  /**
   * The messageIds of every call handed over and not settled since (no
   * bound, unlike the calls remembered): those the library may still hold.
   */
  unsettled(): ReadonlySet<string>;
  /** A request with `keepalive` carries the call: it should arrive even if the page is left now. */
  carried(messageId: string): void;
  /**
   * The calls handed over within the window or still held, oldest first:
   * {@link MAX_CHARS} at most, those no `keepalive` request carries first,
   * then the newest.
   */
  recent(): StoredCall[];
};

type Remembered = { at: number; call: StoredCall; held: boolean; gone: boolean; carried?: boolean };

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
  const unsettled = new Set<string>();
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
      unsettled.add(call.messageId);
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
      unsettled.delete(messageId);
      const entry = byId.get(messageId);
      if (!entry) return;
      forget(entry);
      settledSince++;
    },
    handed(messageId) {
      unsettled.add(messageId);
    },
    unsettled: () => unsettled,
    carried(messageId) {
      const entry = byId.get(messageId);
      if (entry) entry.carried = true;
    },
    recent() {
      forgetOld();
      const kept = calls.filter(entry => !forgotten(entry));
      // A request the page's unloading cancels loses its calls; one with `keepalive` most likely gets through.
      const chosen = new Set<Remembered>();
      let chars = 0;
      for (const carried of [false, true]) {
        for (let i = kept.length - 1; i >= 0 && chars <= MAX_CHARS; i--) {
          if (Boolean(kept[i].carried) !== carried) continue;
          chars += JSON.stringify(kept[i].call).length;
          if (chars <= MAX_CHARS) chosen.add(kept[i]);
        }
      }
      return kept.filter(entry => chosen.has(entry)).map(entry => entry.call);
    },
  };
}
