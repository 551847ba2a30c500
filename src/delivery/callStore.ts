import { createWarnOnce } from '../warnSafely';
import { randomId } from './randomId';
import { BoundedWrite, STORAGE_FULL, writeBounded } from './boundedWrite';
import { fromWire, madeUnder, otherSettingsWarning, StoredCall, storedText, toWire, Wire } from './storedCallFormat';
import { createStoredTextCache } from './storedTextCache';
import { Logger } from './Transport';

export type { StoredCall };

/**
 * The subset of the Web Storage API the store needs; with `key` and
 * `length`, it also reads what other pages kept in copies of their own.
 */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> & Partial<Pick<Storage, 'key' | 'length'>>;

/** Options of {@link createCallStore}. */
export type CallStoreOptions = {
  storage: KeyValueStorage;
  /** Scopes the store: two Segment sources in one origin never see each other's calls. */
  writeKey: string;
  /** The clock, in epoch milliseconds. */
  now: () => number;
  logger: Logger;
  /** Most calls kept; the oldest go first. */
  maxCalls?: number;
  /** Most characters kept (localStorage holds about 5 M per origin, shared with the app). */
  maxChars?: number;
  /** Calls captured longer ago than this are discarded. */
  maxAgeMs?: number;
  /** Names this page's own copy (see {@link createCallStore}); random by default. */
  pageId?: string;
  /** The settings calls are made under: calls kept under others are removed, unsent (see `madeUnder`). */
  settings?: string;
};

/**
 * Calls kept in the browser's storage between page loads, scoped to a write
 * key, bounded in count, size and age (see {@link createCallStore}). Every
 * operation is synchronous (it runs in `pagehide`) and never throws: storage
 * that is full, disabled or corrupt only costs the calls it cannot hold.
 */
export interface CallStore {
  /** The calls kept and not expired, oldest first (read only: their fields are the store's own reading of them in this task). */
  load(): StoredCall[];
  /**
   * Adds calls (replacing any with the same messageId), then trims to the
   * bounds; returns the messageIds that are now kept.
   */
  save(calls: StoredCall[]): Set<string>;
  /**
   * Removes these calls and returns the messageIds that were still kept: the
   * caller sends only those, so a call is sent by at most one page load.
   * One read and one write per key that holds some, whatever the number of
   * calls. A call that cannot be removed from every key holding it is not
   * taken (it stays for a later load).
   */
  take(messageIds: Iterable<string>): Set<string>;
  /** Those of these messageIds the store holds; undefined when a key that may hold some cannot be read. */
  holds(messageIds: Iterable<string>): Set<string> | undefined;
}

/** 24 hours: past that, an event is no longer worth reporting late. */
export const STORED_CALL_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** The storage key of a write key's kept calls. */
export function callStoreKey(writeKey: string): string {
  return `backstage-segment:${writeKey}:pending`;
}

/** Why calls were not kept in a key: the store refused to read what it holds. */
const UNREADABLE = 'localStorage refused to read the kept events';

/**
 * Creates the {@link CallStore} of one write key.
 *
 * @remarks
 * Calls are kept under the write key's key (`backstage-segment:<writeKey>:pending`),
 * and each page also keeps those it saved in a copy of its own
 * (`...:pending:page-<id>`). Each tab reads localStorage from a copy its
 * browser process keeps for it, updated a little later when another tab
 * writes: tabs left at the same moment (a window closed) each read the key
 * without the others' calls, and the last write wins. No page leaving
 * writes another page's copy, so what each page saved is still in its own.
 * Reading gives the calls of every key, once each; a page loading folds the
 * copies into the shared key (see `foldCopies`).
 */
export function createCallStore(options: CallStoreOptions): CallStore {
  const { storage, now, logger } = options;
  const shared = callStoreKey(options.writeKey);
  const own = `${shared}:page-${options.pageId ?? randomId()}`;
  const maxCalls = options.maxCalls ?? 1000;
  const maxChars = options.maxChars ?? 1_000_000;
  const maxAgeMs = options.maxAgeMs ?? STORED_CALL_MAX_AGE_MS;
  const warnOnce = createWarnOnce(logger);
  const cache = createStoredTextCache();
  const warnLost = (lost: number, why: Set<string>) => {
    if (lost) warnOnce('kept', `Segment analytics: could not keep ${lost} unsent events for the next page load (${[...why].join('; ')})`);
  };

  const madeUnderOthers = otherSettingsWarning(warnOnce);

  /** The keys calls may be kept under: the shared one, this page's own, and those of other pages. */
  function keys(): string[] {
    const found = new Set([shared, own]);
    try {
      for (let i = 0; storage.key && i < (storage.length ?? 0); i++) {
        const key = storage.key(i);
        if (key?.startsWith(`${shared}:page-`)) found.add(key);
      }
    } catch {
      // a store that cannot be listed: the shared key and this page's own
    }
    return [...found];
  }

  /**
   * The entries kept under `key`, as serialized, oldest first; undefined
   * when the store refuses to read it (its entries may be there: never
   * written over). Expired and unreadable entries are left out, and removed
   * from the store (another user's calls included: nothing stays past its
   * age), as is text that is not JSON.
   */
  function readKey(key: string): Wire[] | undefined {
    let raw: string | null;
    try {
      raw = storage.getItem(key);
    } catch {
      return undefined;
    }
    if (!raw) return [];
    const list = cache.parse(raw);
    if (list === 'not JSON') replace(key, []);
    // Another format (a later version of the module, in another tab) is not read; a write of this page replaces it.
    if (!Array.isArray(list)) return [];
    const oldest = now() - maxAgeMs;
    const fresh = list.filter((entry): entry is Wire => {
      const stored = fromWire(entry);
      return !!stored && stored.call.timestamp.getTime() >= oldest && stored.call.timestamp.getTime() <= now() + maxAgeMs;
    });
    const kept = fresh.filter(entry => madeUnder(entry, options.settings));
    if (kept.length < fresh.length) madeUnderOthers(fresh.filter(entry => !madeUnder(entry, options.settings)));
    if (kept.length < list.length) replace(key, kept);
    return kept;
  }
  const read = (key: string) => readKey(key) ?? [];

  /** Writes exactly these entries (read from the store) under `key`, or removes it; false when storage refuses. */
  function replace(key: string, entries: Wire[]): boolean {
    try {
      if (entries.length) storage.setItem(key, storedText(entries.map(cache.text)));
      else storage.removeItem(key);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * `incoming` added under `key` to what it holds (replacing the same
   * messageIds), oldest first. A key the store refuses to read is left as it
   * is (other pages' calls may be there), except this page's own copy, which
   * holds nothing but this page's calls.
   */
  function merge(key: string, incoming: Map<string, Wire>, whole = false): BoundedWrite {
    const held = readKey(key) ?? (key === own ? [] : undefined);
    if (!held) return { kept: [], dropped: incoming.size, why: new Set([UNREADABLE]), written: false };
    const entries = [...held.filter(e => !incoming.has(e.messageId)), ...incoming.values()];
    entries.sort((a, b) => Date.parse((a.call as any).timestamp) - Date.parse((b.call as any).timestamp));
    const ids = new Set(held.map(e => e.messageId));
    const written = writeBounded(storage, key, entries, { maxCalls, maxChars, held: ids, whole, textOf: cache.text });
    if (written.written) return written;
    // Refused even without this page's calls: the key holds what it held; lost are the incoming calls it did not hold.
    return { ...written, kept: held, dropped: [...incoming.keys()].filter(id => !ids.has(id)).length };
  }

  /**
   * The copies of other pages, folded into the shared key (bounded as any
   * write) and removed, so that copies do not pile up where no load sends
   * them (Segment's CDN blocked). Once, as the page loads, not as it is
   * left: pages left at the same moment would remove each other's copies as
   * they are written. A page still open finds its calls in the shared key.
   */
  function foldCopies() {
    const copies = keys()
      .filter(key => key !== shared && key !== own)
      .map(key => ({ key, entries: readKey(key) }));
    if (!copies.length) return;
    const incoming = new Map<string, Wire>();
    for (const { entries } of copies) for (const entry of entries ?? []) if (!incoming.has(entry.messageId)) incoming.set(entry.messageId, entry);
    // All or nothing: a fold that cannot take every copy leaves the shared key as it is (the copies stay).
    const { dropped, why } = merge(shared, incoming, true);
    // A store that refuses writes (or to read the shared key) keeps the copies: what it could not take is still there.
    if (why.has(STORAGE_FULL) || why.has(UNREADABLE)) return;
    for (const { key, entries } of copies) if (entries) replace(key, []);
    warnLost(dropped, why);
  }
  foldCopies();

  return {
    load() {
      const seen = new Set<string>();
      return keys()
        .flatMap(read)
        .filter(entry => !seen.has(entry.messageId) && !!seen.add(entry.messageId))
        .map(fromWire)
        .filter((s): s is StoredCall => !!s)
        .sort((a, b) => a.call.timestamp.getTime() - b.call.timestamp.getTime());
    },
    save(calls) {
      const incoming = new Map(calls.map(c => [c.messageId, toWire(c, options.settings)]));
      const inShared = merge(shared, incoming);
      const inOwn = merge(own, incoming);
      // A call is kept when either key holds it.
      const inSharedIds = new Set(inShared.kept.map(e => e.messageId));
      const kept = new Set([...inSharedIds, ...inOwn.kept.map(e => e.messageId)]);
      // Dropped from the shared key (older calls too), less those this page's own copy keeps.
      const lost = inShared.dropped - [...incoming.keys()].filter(id => !inSharedIds.has(id) && kept.has(id)).length;
      warnLost(lost, new Set([...inShared.why, ...inOwn.why]));
      return kept;
    },
    holds(messageIds) {
      const wanted = new Set(messageIds);
      const held = new Set<string>();
      for (const key of keys()) {
        const entries = readKey(key);
        if (!entries) return undefined;
        for (const { messageId } of entries) if (wanted.has(messageId)) held.add(messageId);
      }
      return held;
    },
    take(messageIds) {
      const wanted = new Set(messageIds);
      const taken = new Set<string>();
      const left = new Set<string>();
      const inKeys = keys().map(key => ({ key, entries: readKey(key) }));
      // A key it cannot read may hold any of them: none is taken (a later load sends them, never twice).
      if (inKeys.some(k => !k.entries)) return taken;
      for (const { key, entries = [] } of inKeys) {
        const here = entries.filter(e => wanted.has(e.messageId)).map(e => e.messageId);
        if (!here.length) continue;
        // The rest is what was read, so it fits: a failed write means the store refuses writes.
        const removed = replace(key, entries.filter(e => !wanted.has(e.messageId)));
        for (const id of here) (removed ? taken : left).add(id);
      }
      for (const id of left) taken.delete(id);
      return taken;
    },
  };
}
