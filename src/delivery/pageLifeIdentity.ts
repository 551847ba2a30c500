import { MAX_USER_ID_LENGTH } from '../identity/transformEntityRef';
import type { InitOptions } from '@segment/analytics-next';

/** The keys `@segment/analytics-next` keeps the identity under, in cookies and in localStorage. */
export const IDENTITY_KEYS = { userId: 'ajs_user_id', anonymousId: 'ajs_anonymous_id', groupId: 'ajs_group_id' } as const;

type Field = keyof typeof IDENTITY_KEYS;
type Ids = Record<Field, string | null>;

/** What this needs of the library's persistent storage (`analytics.storage`: its own cookie and localStorage stores). */
export type PersistentStore = {
  get(key: string): unknown;
  getConsistent(key: string): unknown;
  set(key: string, value: unknown): void;
  clear(key: string): void;
};

/** What this needs of a loaded library instance. */
export type IdentityHolder = {
  storage: PersistentStore;
  user(): { id(id?: string | null): unknown; anonymousId(id?: string | null): unknown };
  group(): { id(id?: string | null): unknown };
};

/**
 * The library's load options with the identity (user and group ids, traits)
 * held in memory for the page's life; unchanged when client persistence is
 * off (then it is in memory, or in the stores the storage probe chose).
 *
 * @remarks
 * By default the library reads the user id and the anonymous id from
 * cookies and localStorage twice per event, and every read writes both back:
 * a cookie read right after a cookie write costs milliseconds in Chromium.
 * Its other stores (`analytics.storage`, the event queues) keep their
 * defaults: {@link keepIdentityForPageLife} reads and writes the identity
 * through them, in the library's own format, once at load and on change.
 */
export function withPageLifeIdentity(options: InitOptions): InitOptions {
  if (options.disableClientPersistence) return options;
  const memory = { storage: { stores: ['memory' as const] } };
  return { ...options, user: { ...options.user, ...memory }, group: { ...options.group, ...memory } };
}

const asId = (value: unknown): string | null => {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : null;
};

/**
 * An id as the browser holds it, if one this module would send: a stored id
 * longer than any user id it sends (hand-edited, or another script's) would
 * put every event over Segment's size limit; it is taken for none, and the
 * library's fresh one replaces it.
 */
const storedId = (value: unknown): string | null => {
  const id = asId(value);
  return id && id.length <= MAX_USER_ID_LENGTH ? id : null;
};

/**
 * Whether the browser holds something under `key`, in a cookie or in
 * localStorage (the library's own stores also keep a copy in memory, which
 * this page wrote); true when it cannot tell.
 */
function heldByBrowser(key: string): boolean {
  try {
    if (document.cookie.split(';').some(part => part.trim().startsWith(`${key}=`))) return true;
    return window.localStorage.getItem(key) !== null;
  } catch {
    return true; // cannot tell: the browser's copy is left as it is
  }
}

/** See {@link keepIdentityForPageLife}. */
export type PageLifeIdentity = {
  /** When the identity changed since the last write, writes all of it to the browser (user, anonymous and group ids). */
  sync(): void;
  /**
   * {@link PageLifeIdentity.sync}, and when the page is hidden: an identity
   * the browser no longer holds at all (its site data cleared while the page
   * was open) is written back, as the library does at its next event, so that
   * the person's next tab goes on with the same anonymous id. Not while the
   * user id is set aside (no session of the page's own yet): the ids it
   * holds are the previous user's, which a "no" may have just removed.
   */
  syncOnHide(): void;
  /**
   * Clears the library's user id for this page only: the browser keeps the
   * stored one, the record of whose identity it holds, should the page end
   * before a session replaces it (the record the next load compares its user with).
   */
  setUserAside(): void;
  /** A session has started: the library's user id is written back as it is again (cleared, too). */
  endUserAside(): void;
  /**
   * Writes the whole identity now, changed or not: a session that starts
   * after the page was anonymous for a while is the browser's latest, even
   * where another tab stored someone else's meanwhile.
   */
  writeNow(): void;
  /** The anonymous id the browser holds now (another tab may have written it since this page read it); null: none. */
  browserAnonymousId(): string | null;
};

/**
 * Gives a library loaded with {@link withPageLifeIdentity} the identity the
 * browser keeps (its cookies and localStorage, as the library or the public
 * Segment plugin left them), and keeps the browser's copy up to date.
 *
 * @param store - where the browser keeps it: the library's own stores by
 *   default; its identity cookies alone where localStorage cannot be written
 *   (`identityCookies.ts`: the library then keeps the identity in memory only)
 * @param held - whether the browser holds a key at all (its cookies and
 *   localStorage, not the library's copy in memory)
 *
 * @returns `sync`: when the library's ids changed (an identify, a reset, a
 * first event), writes them all: call it after each call to the library and
 * when the page is hidden. It writes only when this page changed something,
 * so a tab left open never overwrites the identity another tab stored
 * meanwhile; and then the whole identity, so that the browser never pairs
 * this page's user id with the anonymous id another tab stored meanwhile
 * (one anonymous id, two people).
 */
export function keepIdentityForPageLife(
  analytics: IdentityHolder,
  store: PersistentStore = analytics.storage,
  held: (key: string) => boolean = heldByBrowser,
): PageLifeIdentity {
  // The anonymous id as the library reads it: a cookie wins a disagreement (it is shared by subdomains). The user
  // id too, so that both are whoever stored them last: another app on the cookie domain may have identified
  // someone else since this origin's localStorage was written (their anonymous id must not become this user's).
  const stored: Ids = {
    userId: storedId(store.getConsistent(IDENTITY_KEYS.userId)),
    anonymousId: storedId(store.getConsistent(IDENTITY_KEYS.anonymousId)),
    groupId: storedId(store.get(IDENTITY_KEYS.groupId)),
  };
  if (stored.userId) analytics.user().id(stored.userId);
  if (stored.anonymousId) analytics.user().anonymousId(stored.anonymousId);
  if (stored.groupId) analytics.group().id(stored.groupId);
  const written: Ids = { ...stored };
  let userAside = false;
  const current = (): Ids => ({
    userId: asId(analytics.user().id()),
    anonymousId: asId(analytics.user().anonymousId()),
    groupId: asId(analytics.group().id()),
  });
  const fields = Object.keys(IDENTITY_KEYS) as Field[];
  // A user id set aside is not this page's change: the browser keeps the stored one until a session starts.
  const keptAside = (field: Field, value: string | null) => userAside && field === 'userId' && value === null;
  const writeAll = (now: Ids) => {
    for (const field of fields) {
      const value = now[field];
      if (keptAside(field, value)) continue;
      written[field] = value;
      if (value === null) store.clear(IDENTITY_KEYS[field]);
      else store.set(IDENTITY_KEYS[field], value);
    }
  };
  const sync = () => {
    const now = current();
    const changed = fields.some(field => now[field] !== written[field] && !keptAside(field, now[field]));
    if (changed) writeAll(now);
    return now;
  };
  return {
    sync() {
      sync();
    },
    syncOnHide() {
      const now = sync();
      // Not while the user id is set aside (no session of this page's own started: waiting, or a stand-in): the ids it
      // holds are the previous user's, which the browser no longer keeps (a "no" said in another tab removed them).
      if (!userAside && now.anonymousId !== null && !held(IDENTITY_KEYS.anonymousId) && !held(IDENTITY_KEYS.userId)) writeAll(now);
    },
    setUserAside() {
      analytics.user().id(null);
      userAside = true;
    },
    endUserAside() {
      userAside = false;
    },
    writeNow() {
      writeAll(current());
    },
    browserAnonymousId: () => storedId(store.getConsistent(IDENTITY_KEYS.anonymousId)),
  };
}

/**
 * Stops the library's enrichment plugin from building a cookie store for
 * every event (to carry an ad-click id, `?btid=` or `?urid=`, from page to
 * page in the cookie `s:context.referrer`; on a host name of several labels,
 * each such store also sets, reads and removes a probe cookie).
 *
 * @remarks
 * The plugin reads `options.disableClientPersistence` at each event; nothing
 * else in the library reads it after load (the event queues were made with
 * it). An ad-click id in the current page's URL is still added.
 */
export function skipPerEventCookieStore(analytics: { options: InitOptions }): void {
  analytics.options = { ...analytics.options, disableClientPersistence: true };
}
