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

/** A {@link StoredOwner} in the browser's storage; never throws. */
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
        // storage disabled or full: nothing to remember it by
      }
    },
  };
}

/** The page's localStorage, or undefined where it cannot be used. */
export function browserStorage(): KeyValueStorage | undefined {
  try {
    return typeof window !== 'undefined' && window.localStorage ? window.localStorage : undefined;
  } catch {
    return undefined; // a sandboxed frame throws on access
  }
}
