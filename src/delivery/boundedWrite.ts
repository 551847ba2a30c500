import type { KeyValueStorage } from './callStore';
import { storedText, Wire } from './storedCallFormat';

/** Why calls were dropped from a write: the store refused it until the oldest half was given up (again). */
export const STORAGE_FULL = 'storage full';

/** What {@link writeBounded} kept, and why it dropped the others. */
export type BoundedWrite = { kept: Wire[]; dropped: number; why: Set<string> };

/**
 * Writes `entries` (oldest first) under `key`, dropping the oldest until
 * they fit the bounds (`maxCalls` entries, `maxChars` characters) and the
 * store takes them (half of them at a time); no entries: the key is
 * removed, but never because the store refused them all (it keeps what it
 * held then). An entry JSON cannot hold (a BigInt, say) is not kept. Never
 * throws.
 */
export function writeBounded(
  storage: KeyValueStorage,
  key: string,
  entries: Wire[],
  { maxCalls, maxChars }: { maxCalls: number; maxChars: number },
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
      break;
    } catch {
      if (!kept.length) break;
      // Storage full: give up the oldest half and try again.
      why.add(STORAGE_FULL);
      const cut = Math.ceil(kept.length / 2);
      dropped += cut;
      kept = kept.slice(cut);
      texts = texts.slice(cut);
      // Refused down to nothing: the key keeps what it held (other loads' calls), never removed for it.
      if (!kept.length) break;
    }
  }
  return { kept, dropped, why };
}
