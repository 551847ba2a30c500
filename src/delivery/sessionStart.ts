import type { PageLifeIdentity } from './pageLifeIdentity';
import { UNIDENTIFIED, type StoredOwner } from './storedOwner';
import { uuid4 } from './messageId';
import type { KeyValueStorage } from './callStore';

/** What sessions need of the loaded library. */
export type SessionLibrary = {
  reset(): void;
  user(): { anonymousId(id?: string | null): unknown };
};

/** Where an anonymous session's own id is kept from load to load, with the user it stood in for (see {@link createSessions}). */
export type StandInStore = {
  /** The id kept while `user`'s identity was stored, if that is the one kept. */
  get(user: string): string | undefined;
  set(user: string, anonymousId: string): void;
  clear(): void;
};

/**
 * A {@link StandInStore} under the write key in `storage` (read at each use:
 * reaching localStorage may throw); never throws: a store that refuses keeps
 * nothing, and one that is full still forgets.
 */
export function storedStandIn(writeKey: string, storage: () => KeyValueStorage | undefined): StandInStore {
  const key = `backstage-segment:${writeKey}:stand-in`;
  const attempt = <T>(fn: (store: KeyValueStorage) => T): T | undefined => {
    try {
      const store = storage();
      return store && fn(store);
    } catch {
      return undefined;
    }
  };
  return {
    get: user =>
      attempt(store => {
        const kept = JSON.parse(store.getItem(key) ?? 'null') as { user?: unknown; anonymousId?: unknown } | null;
        return kept?.user === user && typeof kept.anonymousId === 'string' ? kept.anonymousId : undefined;
      }),
    set: (user, anonymousId) => attempt(store => store.setItem(key, JSON.stringify({ user, anonymousId }))),
    clear: () => attempt(store => store.removeItem(key)),
  };
}

/** What {@link createSessions} runs with. */
export type SessionOptions = {
  /** Whose identity the browser holds (the previous session's user, {@link UNIDENTIFIED} included), if known. */
  previousUser: string | undefined;
  storedOwner?: StoredOwner;
  /** Where an anonymous session's own id is kept; absent: each such session has a new one. */
  standIns?: StandInStore;
  /** The identity kept for the page's life, while there is one (none once analytics is switched off). */
  identity(): PageLifeIdentity | undefined;
  /** Sends the identify of a session's user. */
  identify(userId: string, timestamp: Date): void;
};

/** See {@link createSessions}. */
export type Sessions = {
  /** Starts the page's session (see `Transport.startSession`). */
  start(userId: string | undefined, timestamp: Date): void;
  /** The anonymous id the anonymous session's calls go out with, when it is not the library's own; else undefined. */
  standIn(): string | undefined;
};

/** An anonymous session where a user's identity is stored: its own anonymous id (`kept`: from an earlier load), and whose identity it left. */
type StandIn = { anonymousId: string; user: string; kept: boolean };

/**
 * The page's sessions on the library: whose identity the browser holds, and
 * when a session gets a fresh anonymous id.
 *
 * @remarks
 * A session of another user than the stored one starts with a fresh
 * anonymous id: nothing of it carries the previous user's ids. The same
 * user keeps theirs. An anonymous session where a user's identity is stored
 * (the identity late, a user still on the sign-in page, say; or failing)
 * may be someone else: its calls go out with an anonymous id of their own,
 * which is never written as the browser's identity (a tab left on the
 * sign-in page never overwrites what another tab stored), and the stored
 * user, signing in after all, goes on with their own anonymous id (also
 * after a reload or a sign-in that leaves the page); another user goes on
 * with the anonymous session's if this page made it, else with a fresh one.
 * That id is kept (`standIns`) with the user it stood in for, until someone
 * signs in, and used again only while that user's identity is the one
 * stored: an identity failing on every load gives one anonymous id, not a
 * new visitor each time. Where no user's identity is stored, loads recorded
 * as someone unidentified share the browser's id, and whoever signs in after
 * them, late in one of those loads too, starts with a fresh one.
 */
export function createSessions(analytics: SessionLibrary, options: SessionOptions): Sessions {
  const { storedOwner, standIns, identity, identify } = options;
  let previousUser = options.previousUser;
  let standIn: StandIn | undefined;
  /** The record as this page last read or wrote it. */
  let known = storedOwner?.get();

  /**
   * Another tab recorded a session since this page last looked (while this
   * one waited for its user, say). The id this page holds is still its own
   * previous user's, unless that session went on with it (the browser holds
   * it): then it is the recorded one's (someone unidentified, whom this
   * page's user must not be joined to). Returns the browser's id when the
   * session recorded was this page's user's: it goes on with it.
   */
  function followOtherTabs(userId: string | undefined): string | undefined {
    const recorded = storedOwner?.get();
    if (recorded === known) return undefined;
    known = recorded;
    const browsers = identity()?.browserAnonymousId() ?? undefined;
    if (userId !== undefined && recorded === userId) return browsers;
    if (browsers !== undefined && browsers === analytics.user().anonymousId()) previousUser = recorded;
    return undefined;
  }

  return {
    start(userId, timestamp) {
      const adopted = followOtherTabs(userId);
      // Unidentified again (the identity failing on every load): the same anonymous id, not a new visitor each time.
      const stillUnidentified = previousUser === UNIDENTIFIED && userId === undefined;
      const another = previousUser !== undefined && previousUser !== userId && !stillUnidentified;
      if (userId === undefined && standIn) return; // anonymous already
      if (userId === undefined && another) {
        const kept = standIns?.get(previousUser!);
        standIn = { anonymousId: kept ?? uuid4(), user: previousUser!, kept: kept !== undefined };
        standIns?.set(standIn.user, standIn.anonymousId);
        return;
      }
      const anonymous = standIn;
      standIn = undefined;
      // Someone signed in: a kept id is theirs now, or no one's (only loads no one signs in share one).
      if (userId !== undefined) standIns?.clear();
      const sameUser = anonymous?.user === userId;
      identity()?.endUserAside();
      if (anonymous && !sameUser) {
        // Someone else: the anonymous session's id goes on as theirs, if this page made it (one kept from earlier
        // loads, or shared with another tab, was anyone's at this browser: a fresh one).
        analytics.reset();
        if (!anonymous.kept) analytics.user().anonymousId(anonymous.anonymousId);
      } else if (previousUser !== undefined && previousUser !== userId && !stillUnidentified) {
        // Another person: a fresh anonymous id, no traits or group of the previous user.
        analytics.reset();
      }
      // Another tab of this user's went on with the browser's id: so does this one.
      if (adopted) analytics.user().anonymousId(adopted);
      // Still unidentified: kept so, should someone sign in later in this page (those loads' id was anyone's).
      previousUser = stillUnidentified ? previousUser : userId;
      storedOwner?.set(userId);
      known = storedOwner?.get();
      if (userId !== undefined) identify(userId, timestamp);
      // After a while anonymous, this session is the browser's latest (another tab may have stored someone since).
      if (anonymous) identity()?.writeNow();
      else identity()?.sync();
    },
    standIn: () => standIn?.anonymousId,
  };
}
