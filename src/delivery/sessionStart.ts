import type { PageLifeIdentity } from './pageLifeIdentity';
import { UNIDENTIFIED, type StoredOwner } from './storedOwner';
import { uuid4 } from './messageId';
import type { KeyValueStorage } from './callStore';

/** What sessions need of the loaded library. */
export type SessionLibrary = {
  reset(): void;
  user(): { anonymousId(id?: string | null): unknown };
};

/** Where an anonymous session's own id is kept from load to load (see {@link createSessions}). */
export type StandInStore = { get(): string | undefined; set(anonymousId: string): void; clear(): void };

/** A {@link StandInStore} in `storage` under the write key; never throws (a store that refuses keeps nothing). */
export function storedStandIn(storage: KeyValueStorage, writeKey: string): StandInStore {
  const key = `backstage-segment:${writeKey}:stand-in`;
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch {
      return undefined;
    }
  };
  return {
    get: () => attempt(() => storage.getItem(key)) ?? undefined,
    set: anonymousId => attempt(() => storage.setItem(key, anonymousId)),
    clear: () => attempt(() => storage.removeItem(key)),
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

/** An anonymous session where a user's identity is stored: its own anonymous id, and whose identity it left. */
type StandIn = { anonymousId: string; user: string };

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
 * with the anonymous session's. That id is kept (`standIns`) until someone
 * signs in: an identity failing on every load gives one anonymous id, not a
 * new visitor each time.
 */
export function createSessions(analytics: SessionLibrary, options: SessionOptions): Sessions {
  const { storedOwner, standIns, identity, identify } = options;
  let previousUser = options.previousUser;
  let standIn: StandIn | undefined;

  return {
    start(userId, timestamp) {
      // Unidentified again (the identity failing on every load): the same anonymous id, not a new visitor each time.
      const stillUnidentified = previousUser === UNIDENTIFIED && userId === undefined;
      const another = previousUser !== undefined && previousUser !== userId && !stillUnidentified;
      if (userId === undefined && standIn) return; // anonymous already
      if (userId === undefined && another) {
        standIn = { anonymousId: standIns?.get() ?? uuid4(), user: previousUser! };
        standIns?.set(standIn.anonymousId);
        return;
      }
      const anonymous = standIn;
      standIn = undefined;
      // Someone signed in: a kept id is theirs now, or no one's (only loads no one signs in share one).
      if (userId !== undefined) standIns?.clear();
      const sameUser = anonymous?.user === userId;
      identity()?.endUserAside();
      if (anonymous && !sameUser) {
        // Someone else: the anonymous session's id goes on as theirs.
        analytics.reset();
        analytics.user().anonymousId(anonymous.anonymousId);
      } else if (previousUser !== undefined && previousUser !== userId && !stillUnidentified) {
        // Another person: a fresh anonymous id, no traits or group of the previous user.
        analytics.reset();
      }
      previousUser = userId;
      storedOwner?.set(userId);
      if (userId !== undefined) identify(userId, timestamp);
      // After a while anonymous, this session is the browser's latest (another tab may have stored someone since).
      if (anonymous) identity()?.writeNow();
      else identity()?.sync();
    },
    standIn: () => standIn?.anonymousId,
  };
}
