import type { KeyValueStorage } from './callStore';
import { storedText, Wire } from './storedCallFormat';

/** Why calls were dropped from a write: the store refused it until the oldest half was given up (again). */
export const STORAGE_FULL = 'storage full';

/** What {@link writeBounded} kept, and why it dropped the others; `written`: false when the store refused even what the key held (left as it was). */
export type BoundedWrite = { kept: Wire[]; dropped: number; why: Set<string>; written: boolean };

/** How {@link writeBounded} fits the entries. */
export type WriteBounds = {
  maxCalls: number;
  maxChars: number;
  /** The messageIds the key holds already: never given up for room (an incoming version of one is kept too). */
  held?: ReadonlySet<string>;
  /** All or nothing: where the store refuses them all, nothing is given up for room and the key is left as it is. */
  whole?: boolean;
  /** An entry's JSON text (throws where `JSON.stringify` does); `JSON.stringify` by default. */
  textOf?: (entry: Wire) => string;
};

/** An entry with its text. */
type Sized = { entry: Wire; text: string };

/**
 * Writes `entries` (oldest first) under `key`, dropping the oldest until
 * they fit the bounds (`maxCalls` entries, `maxChars` characters). Where
 * the store refuses them (full), the oldest half of those it did not hold
 * yet is given up at a time (the bounds applied again to what is left),
 * until it takes them; once only what it held is left, or with `whole`, the
 * key is left as it is, never removed. No entries: the key is removed. An
 * entry JSON cannot hold (a BigInt, say) is not kept. Never throws.
 */
export function writeBounded(storage: KeyValueStorage, key: string, entries: Wire[], bounds: WriteBounds): BoundedWrite {
  let pool: Sized[] = [];
  const textOf = bounds.textOf ?? JSON.stringify;
  for (const entry of entries) {
    try {
      pool.push({ entry, text: textOf(entry) });
    } catch {
      // a value JSON cannot hold (BigInt, say): that call is not kept
    }
  }
  const why = new Set<string>(pool.length < entries.length ? ['not storable as JSON'] : []);
  let givenUp = entries.length - pool.length;
  const done = (kept: Sized[], trimmed: number, written: boolean): BoundedWrite => {
    if (trimmed) why.add(`at most ${bounds.maxCalls} events and ${bounds.maxChars} characters are kept`);
    return { kept: kept.map(s => s.entry), dropped: givenUp + trimmed, why, written };
  };
  for (;;) {
    const { kept, trimmed } = withinBounds(pool, bounds);
    try {
      if (kept.length) storage.setItem(key, storedText(kept.map(s => s.text)));
      else if (!why.has(STORAGE_FULL)) storage.removeItem(key);
      else return done([], trimmed, false);
      return done(kept, trimmed, true);
    } catch {
      // Full: give up the oldest half of the new entries; what the key held is never given up for them.
      why.add(STORAGE_FULL);
      const fresh = bounds.whole ? [] : pool.filter(s => !bounds.held?.has(s.entry.messageId));
      if (!fresh.length) return done([], trimmed, false);
      const cut = new Set(fresh.slice(0, Math.ceil(fresh.length / 2)));
      givenUp += cut.size;
      pool = pool.filter(s => !cut.has(s));
    }
  }
}

/** The newest entries within the bounds, and how many older ones are left out. */
function withinBounds(pool: Sized[], { maxCalls, maxChars }: WriteBounds) {
  let chars = pool.reduce((sum, s) => sum + s.text.length + 1, 0);
  let start = 0;
  while (pool.length - start > maxCalls || (chars > maxChars && start < pool.length)) {
    chars -= pool[start].text.length + 1;
    start++;
  }
  return { kept: pool.slice(start), trimmed: start };
}
