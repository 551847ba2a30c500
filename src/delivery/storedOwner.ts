import { KeyValueStorage } from './callStore';
import { cookieValue, type CookieRecord } from './ownerCookie';

/**
 * Which user the identity the Segment library keeps in this browser (its
 * anonymous id, cookies) belongs to: the (transformed) user id of the last
 * session that identified, per write key. Never the plaintext entity ref
 * when a transform is set: only what was sent as `userId` is stored.
 */
export interface StoredOwner {
  /** The user of the previous session ({@link UNIDENTIFIED} included), or undefined when none was stored. */
  get(): string | undefined;
  /**
   * Records this session's user; undefined: an anonymous session, recorded
   * as {@link UNIDENTIFIED} where the app identifies its users (the identity
   * was late or failed), and as no one where it does not.
   */
  set(userId: string | undefined): void;
}

/**
 * The record of a session whose user could not be identified (the identity
 * was late or failed, or the page was left before it was known): equal to no
 * user id, so the next user to sign in is taken for someone else and starts
 * with a fresh anonymous id, never the one this session's events carried.
 */
export const UNIDENTIFIED = '\u0000unidentified';

/** The storage key of a write key's owner. */
export function storedOwnerKey(writeKey: string): string {
  return `backstage-segment:${writeKey}:user`;
}

/** How a {@link StoredOwner} keeps its record (see {@link createStoredOwner}). */
export type StoredOwnerOptions = {
  /** The app identifies its users (an identity API): an anonymous session is someone {@link UNIDENTIFIED}. */
  identifiesUsers?: boolean;
  /** Where the record goes when the storage refuses it; read where the storage has none, removed once the storage takes it again. */
  cookie?: CookieRecord;
  /** The storage is the page's memory (localStorage cannot be reached): the record goes in the cookie too, for the next load. */
  inMemory?: boolean;
  /**
   * False with `agent.disableCookies`: the library keeps its identity in localStorage only, and a user id cookie
   * is another site's on the cookie domain, not whose identity this origin holds.
   */
  libraryCookies?: boolean;
};

/**
 * A {@link StoredOwner} in the browser's storage; never throws. The user id
 * the Segment library stored (`ajs_user_id`, in `storage`, else its cookie)
 * says whose identity the browser holds, whoever stored it last (this
 * module, the public plugin used in between, another app on the same cookie
 * domain); this module's own record only where there is none (the user id
 * set aside, or not kept). Where the storage refuses to record a session's
 * user, or keeps it in the page's memory only, the record is kept in the
 * `cookie` instead (beside the library's identity cookies, which keep the
 * identity then), and where that fails too, the record is removed rather
 * than left out of date.
 */
export function createStoredOwner(storage: KeyValueStorage, writeKey: string, options: StoredOwnerOptions = {}): StoredOwner {
  const { identifiesUsers, cookie, inMemory, libraryCookies = true } = options;
  const key = storedOwnerKey(writeKey);
  return {
    get() {
      try {
        const id = libraryUserId(storage, libraryCookies) ?? storage.getItem(key);
        if (id !== null && id !== undefined) return id;
      } catch {
        return undefined;
      }
      return cookie?.read();
    },
    set(userId) {
      const anonymous = userId === undefined && !identifiesUsers;
      const record = userId ?? UNIDENTIFIED;
      try {
        if (anonymous) storage.removeItem(key);
        else storage.setItem(key, record);
        if (!inMemory) {
          cookie?.remove();
          return;
        }
      } catch {
        // Full, or refusing writes: no record there rather than an out-of-date one
        // (a later load would take it for this browser's user).
        try {
          storage.removeItem(key);
        } catch {
          // nothing to remember it by, nor to forget
        }
      }
      // In the cookie; where cookies refuse it too, no record at all.
      if (anonymous || !cookie?.write(record)) cookie?.remove();
    },
  };
}

/**
 * The user id the Segment library stored: from its cookie (as is, or JSON),
 * else from localStorage (JSON); the cookie wins, as the module reads the
 * identity (see `keepIdentityForPageLife`): it is shared by the cookie
 * domain, so it is whoever stored it last. `cookies` false
 * (`agent.disableCookies`): localStorage only. Throws where localStorage does.
 */
function libraryUserId(storage: KeyValueStorage | undefined, cookies = true): string | undefined {
  return (cookies ? parsedId(userIdCookie()) : undefined) ?? parsedId(storage?.getItem('ajs_user_id'));
}

/**
 * The user id the Segment library stored in this browser (whoever signed in
 * last, in any tab; see `libraryUserId`); undefined where it cannot be read.
 */
export function browserUserId(cookies = true): string | undefined {
  try {
    return libraryUserId(pageLocalStorage(), cookies);
  } catch {
    return undefined;
  }
}

/**
 * The library's `ajs_user_id` cookie, decoded as the library writes it
 * (js-cookie escapes a space, a comma, non-ASCII, ... as `%XX`); undefined
 * where cookies cannot be read (a sandboxed page).
 */
function userIdCookie(): string | undefined {
  try {
    return cookieValue('ajs_user_id')?.replace(/(%[\dA-F]{2})+/gi, decodeURIComponent);
  } catch {
    return undefined; // not UTF-8 once decoded: not an id the library wrote
  }
}

/** A stored id: JSON, or as is (a cookie's); an encoded one is taken for another user's (a fresh anonymous id). */
function parsedId(value: string | null | undefined): string | undefined {
  let id: unknown = value;
  try {
    id = value && JSON.parse(value);
  } catch {
    // as it is
  }
  return typeof id === 'string' && id ? id : undefined;
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
