import { SegmentCall } from '../mapping/SegmentCall';
import { createWarnOnce } from '../warnSafely';
import { Logger } from './Transport';

/**
 * One call kept across page loads: it could not be handed to the library
 * before the page went away.
 */
export type StoredCall = {
  /** The call's Segment messageId, the same on every attempt to send it. */
  messageId: string;
  /** The (transformed) user id it belongs to, or null: captured anonymous. */
  owner: string | null;
  /** The anonymous id it must carry, when it must not carry the stored one. */
  anonymousId?: string;
  call: SegmentCall;
};

/** The subset of the Web Storage API the store needs. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

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
};

/**
 * Calls kept in the browser's storage between page loads, scoped to a write
 * key, bounded in count, size and age. Every operation is synchronous (it
 * runs in `pagehide`) and never throws: storage that is full, disabled or
 * corrupt only costs the calls it cannot hold.
 */
export interface CallStore {
  /** The calls kept and not expired, oldest first. */
  load(): StoredCall[];
  /**
   * Adds calls (replacing any with the same messageId), then trims to the
   * bounds; returns the messageIds that are now kept.
   */
  save(calls: StoredCall[]): Set<string>;
  /**
   * Removes these calls and returns the messageIds that were still kept: the
   * caller sends only those, so a call is sent by at most one page load.
   * One read and one write, whatever the number of calls. When the store
   * cannot be written, nothing is taken (the calls stay for a later load).
   */
  take(messageIds: Iterable<string>): Set<string>;
}

/** 24 hours: past that, an event is no longer worth reporting late. */
export const STORED_CALL_MAX_AGE_MS = 24 * 60 * 60 * 1000;

type Wire = { messageId: string; owner: string | null; anonymousId?: string; call: unknown };

const FORMAT = 1;

/** The storage key of a write key's kept calls. */
export function callStoreKey(writeKey: string): string {
  return `backstage-segment:${writeKey}:pending`;
}

/**
 * Removes the calls kept for a next load (the module's, and the library's
 * persisted queues of the same write keys): what a page load with analytics
 * off for this browser does (`enabled: false`, `disableClientPersistence`),
 * as no load of its config would send them, and localStorage keeps them for
 * good otherwise. Write keys come from the module's own keys; one that an
 * instance in this page has claimed (`keep`) keeps its calls, for it to send.
 * Never throws (storage that cannot be reached keeps nothing).
 */
export function dropKeptCalls(
  keep: (writeKey: string) => boolean,
  storage: Pick<Storage, 'length' | 'key' | 'removeItem'> | undefined = pageStorage(),
): void {
  try {
    const keys: string[] = [];
    for (let i = 0; storage && i < storage.length; i++) keys.push(storage.key(i) ?? '');
    const writeKeys = keys.map(key => /^backstage-segment:(.*):(pending|user)$/.exec(key)?.[1]).filter(k => k !== undefined && !keep(k));
    const dropped = new Set(writeKeys.map(k => callStoreKey(k!)));
    for (const key of keys) {
      if (dropped.has(key) || writeKeys.some(k => key.startsWith(`persisted-queue:v1:${k}:`))) storage!.removeItem(key);
    }
  } catch {
    // a store that refuses: the module could not have kept calls there either
  }
}

/** The page's localStorage; undefined where reaching it throws (a sandboxed frame). */
function pageStorage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}

function toWire(stored: StoredCall): Wire {
  return { ...stored, call: { ...stored.call, timestamp: stored.call.timestamp.toISOString() } };
}

function fromWire(value: unknown): StoredCall | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { messageId, owner, anonymousId, call } = value as Record<string, any>;
  if (typeof messageId !== 'string' || (owner !== null && typeof owner !== 'string')) return undefined;
  if (anonymousId !== undefined && typeof anonymousId !== 'string') return undefined;
  if (!call || typeof call !== 'object' || (call.type !== 'page' && call.type !== 'track')) return undefined;
  if (!call.properties || typeof call.properties !== 'object' || !call.page || typeof call.page !== 'object') return undefined;
  if (call.type === 'track' && typeof call.event !== 'string') return undefined;
  const timestamp = new Date(call.timestamp);
  if (Number.isNaN(timestamp.getTime())) return undefined;
  return { messageId, owner, ...(anonymousId !== undefined && { anonymousId }), call: { ...call, timestamp } };
}

/** Creates the {@link CallStore} of one write key. */
export function createCallStore(options: CallStoreOptions): CallStore {
  const { storage, now, logger } = options;
  const key = callStoreKey(options.writeKey);
  const maxCalls = options.maxCalls ?? 1000;
  const maxChars = options.maxChars ?? 1_000_000;
  const maxAgeMs = options.maxAgeMs ?? STORED_CALL_MAX_AGE_MS;
  const warnOnce = createWarnOnce(logger);

  /**
   * The kept entries, as serialized, oldest first. Expired and unreadable
   * ones are left out, and removed from the store (another user's calls
   * included: nothing stays past its age), as is text that is not JSON.
   */
  function read(): Wire[] {
    let raw: string | null;
    try {
      raw = storage.getItem(key);
    } catch {
      return [];
    }
    if (!raw) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      replace([]);
      return [];
    }
    const list = (parsed as { v?: unknown; calls?: unknown })?.calls;
    // Another format (a later version of the module, in another tab) is left alone.
    if ((parsed as { v?: unknown })?.v !== FORMAT || !Array.isArray(list)) return [];
    const oldest = now() - maxAgeMs;
    const kept = list.filter((entry): entry is Wire => {
      const stored = fromWire(entry);
      return !!stored && stored.call.timestamp.getTime() >= oldest && stored.call.timestamp.getTime() <= now() + maxAgeMs;
    });
    if (kept.length < list.length) replace(kept);
    return kept;
  }

  /** Writes the entries, dropping the oldest until they fit; returns what was kept. */
  function write(entries: Wire[]): Wire[] {
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
        if (kept.length) storage.setItem(key, `{"v":${FORMAT},"calls":[${texts.join(',')}]}`);
        else storage.removeItem(key);
        break;
      } catch {
        if (!kept.length) break;
        // Storage full: give up the oldest half and try again.
        why.add('storage full');
        const cut = Math.ceil(kept.length / 2);
        dropped += cut;
        kept = kept.slice(cut);
        texts = texts.slice(cut);
      }
    }
    if (dropped) {
      const reasons = [...why].join('; ');
      warnOnce('kept', `Segment analytics: could not keep ${dropped} unsent events for the next page load (${reasons})`);
    }
    return kept;
  }

  /** Writes exactly these entries (read from the store), or removes the key; false when storage refuses. */
  function replace(entries: Wire[]): boolean {
    try {
      if (entries.length) storage.setItem(key, `{"v":${FORMAT},"calls":[${entries.map(e => JSON.stringify(e)).join(',')}]}`);
      else storage.removeItem(key);
      return true;
    } catch {
      return false;
    }
  }

  return {
    load() {
      return read()
        .map(fromWire)
        .filter((s): s is StoredCall => !!s)
        .sort((a, b) => a.call.timestamp.getTime() - b.call.timestamp.getTime());
    },
    save(calls) {
      const incoming = new Map(calls.map(c => [c.messageId, toWire(c)]));
      const entries = [...read().filter(e => !incoming.has(e.messageId)), ...incoming.values()];
      entries.sort((a, b) => Date.parse((a.call as any).timestamp) - Date.parse((b.call as any).timestamp));
      return new Set(write(entries).map(e => e.messageId));
    },
    take(messageIds) {
      const wanted = new Set(messageIds);
      const entries = read();
      const taken = new Set(entries.filter(e => wanted.has(e.messageId)).map(e => e.messageId));
      if (!taken.size && entries.length) return taken;
      // The rest is what was read, so it fits: a failed write means the store refuses writes.
      return replace(entries.filter(e => !taken.has(e.messageId))) ? taken : new Set<string>();
    },
  };
}
