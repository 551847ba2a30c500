import { KeyValueStorage } from './callStore';

/**
 * Which user the identity the Segment library keeps in this browser (its
 * anonymous id, cookies) belongs to: the (transformed) user id of the last
 * session that identified, per write key. Never the plaintext entity ref
 * when a transform is set: only what was sent as `userId` is stored.
 */
export interface StoredOwner {
  /** The user of the previous session, or undefined when none was stored. */
  get(): string | undefined;
  /** Records this session's user; undefined: an anonymous session. */
  set(userId: string | undefined): void;
}

/** The storage key of a write key's owner. */
export function storedOwnerKey(writeKey: string): string {
  return `backstage-segment:${writeKey}:user`;
}

/**
 * A {@link StoredOwner} in the browser's storage; never throws. Where the
 * storage refuses to record a session's user, the record is removed: the
 * next load then compares its user with the library's own stored user id.
 */
export function createStoredOwner(storage: KeyValueStorage, writeKey: string): StoredOwner {
  const key = storedOwnerKey(writeKey);
  return {
    get() {
      try {
        return storage.getItem(key) ?? undefined;
      } catch {
        return undefined;
      }
    },
    set(userId) {
      try {
        if (userId === undefined) storage.removeItem(key);
        else storage.setItem(key, userId);
      } catch {
        // Full, or refusing writes: no record rather than an out-of-date one
        // (a later load would take it for this browser's user).
        try {
          storage.removeItem(key);
        } catch {
          // nothing to remember it by, nor to forget
        }
      }
    },
  };
}

/** The page's localStorage, if any; throws where reaching it does (a sandboxed frame). */
export function pageLocalStorage(): KeyValueStorage | undefined {
  return typeof window === 'undefined' ? undefined : window.localStorage ?? undefined;
}

/** A {@link KeyValueStorage} in memory: what the module keeps where localStorage cannot be written. */
export function createMemoryStorage(): KeyValueStorage {
  const data = new Map<string, string>();
  return {
    getItem: key => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, String(value)),
    removeItem: key => void data.delete(key),
  };
}
