import type { KeyValueStorage } from './callStore';
import { storedText, Wire } from './storedCallFormat';

/** Why calls were dropped from a write: the store refused it until the oldest half was given up (again). */
export const STORAGE_FULL = 'storage full';

/** What {@link writeBounded} kept, and why it dropped the others; `written`: false when the store refused even what the key held (left as it was). */
export type BoundedWrite = { kept: Wire[]; dropped: number; why: Set<string>; written: boolean };

/**
 * Writes `entries` (oldest first) under `key`, dropping the oldest until
 * they fit the bounds (`maxCalls` entries, `maxChars` characters); where
 * the store refuses them (full), the oldest half of those it did not hold
 * yet (not in `held`: the messageIds the key holds already) at a time, until
 * it takes them, or only what it held is left, which it keeps as it is. No
 * entries: the key is removed. An entry JSON cannot hold (a BigInt, say) is
 * not kept. Never throws.
 */
export function writeBounded(
  storage: KeyValueStorage,
  key: string,
  entries: Wire[],
  { maxCalls, maxChars, held }: { maxCalls: number; maxChars: number; held?: ReadonlySet<string> },
): BoundedWrite {
  let texts = entries.map(entry => {
    try {
      return JSON.stringify(entry);
    } catch {
      return undefined; // a value JSON cannot hold (BigInt, say): that call is not kept
    }
  });
  let kept = entries.filter((_, i) => texts[i] !== undefined);
  texts = texts.filter(t => t !== undefined);
  let dropped = entries.length - kept.length;
  let chars = texts.reduce((sum, t) => sum + t!.length + 1, 0);
  const why = new Set<string>(dropped ? ['not storable as JSON'] : []);
  while (kept.length > maxCalls || (chars > maxChars && kept.length)) {
    why.add(`at most ${maxCalls} events and ${maxChars} characters are kept`);
    chars -= texts[0]!.length + 1;
    kept = kept.slice(1);
    texts = texts.slice(1);
    dropped++;
  }
  for (;;) {
    try {
      if (kept.length) storage.setItem(key, storedText(texts as string[]));
      else storage.removeItem(key);
      return { kept, dropped, why, written: true };
    } catch {
      // Storage full: give up the oldest half of the new entries and try again; what the key held is never
      // given up for them (other loads' and users' calls): once only that is left, the key is left as it is.
      why.add(STORAGE_FULL);
      const fresh = kept.filter(entry => !held?.has(entry.messageId));
      if (!fresh.length) return { kept, dropped, why, written: false };
      const cut = new Set(fresh.slice(0, Math.ceil(fresh.length / 2)));
      const before = kept;
      dropped += cut.size;
      texts = texts.filter((_, i) => !cut.has(before[i]));
      kept = before.filter(entry => !cut.has(entry));
    }
  }
}
