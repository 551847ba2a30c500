import { parseStored, Wire } from './storedCallFormat';

/**
 * Parses and serializes the store's text at most once each (see
 * {@link createStoredTextCache}).
 */
export type StoredTextCache = {
  /** {@link parseStored} of `raw`: parsed once per task for the same text. */
  parse(raw: string): ReturnType<typeof parseStored>;
  /** `JSON.stringify(entry)`, once per entry (throws where it does: a BigInt, say). */
  text(entry: Wire): string;
};

/**
 * A page left with a large backlog reads each key of the store twice (which
 * calls are still stored, then the write) and serializes the same calls
 * for two keys: parsing 1 MB of text and serializing it again are most of
 * that task. The same text parses to the same entries, and an entry
 * serializes to the same text, so each is done once. Parsed text is kept
 * until the end of the task (a later read may find another tab's write);
 * an entry's text as long as the entry (entries are never changed once
 * made: stored ones are parsed, incoming ones built by `toWire`; the calls a
 * read gives share their fields with its entries, so they are read only).
 */
export function createStoredTextCache(): StoredTextCache {
  let parsed = new Map<string, ReturnType<typeof parseStored>>();
  const texts = new WeakMap<Wire, string>();
  return {
    parse(raw) {
      // Emptied by a promise's reaction, not `queueMicrotask` (which fake timers hold): the same text parses alike anyway.
      if (!parsed.size) void Promise.resolve().then(() => (parsed = new Map()));
      if (!parsed.has(raw)) parsed.set(raw, parseStored(raw));
      return parsed.get(raw);
    },
    text(entry) {
      if (!texts.has(entry)) texts.set(entry, JSON.stringify(entry));
      return texts.get(entry)!;
    },
  };
}
