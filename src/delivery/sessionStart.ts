import type { PageLifeIdentity } from './pageLifeIdentity';
import { UNIDENTIFIED, type StoredOwner } from './storedOwner';
import { uuid4 } from './messageId';

/** What sessions need of the loaded library. */
export type SessionLibrary = {
  reset(): void;
  user(): { anonymousId(id?: string | null): unknown };
};

/** What {@link createSessions} runs with. */
export type SessionOptions = {
  /** Whose identity the browser holds (the previous session's user, {@link UNIDENTIFIED} included), if known. */
  previousUser: string | undefined;
  storedOwner?: StoredOwner;
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
  /** The page is hidden or left: an anonymous session's own id becomes the browser's, as someone unidentified. */
  leaving(): void;
};

/** An anonymous session where a user's identity is stored: its own anonymous id, and the stored identity it kept. */
type StandIn = { anonymousId: string; user: string; userAnonymousId: unknown; committed: boolean };

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
 * and the browser keeps the stored identity. The stored user, signing in
 * after all, goes on with their own anonymous id; another user with the
 * anonymous session's. Hidden or left while still anonymous, the page makes
 * that id the browser's, as someone unidentified (the next load takes its
 * user for someone else; an identity failing on every load keeps that one
 * id); the stored user signing in afterwards in this page still gets their
 * own back.
 */
export function createSessions(analytics: SessionLibrary, options: SessionOptions): Sessions {
  const { storedOwner, identity, identify } = options;
  let previousUser = options.previousUser;
  let standIn: StandIn | undefined;

  /** A fresh start with `anonymousId`: none of the stored user's ids or traits. */
  const startOver = (anonymousId: string) => {
    identity()?.endUserAside();
    analytics.reset();
    analytics.user().anonymousId(anonymousId);
    previousUser = undefined;
  };

  return {
    start(userId, timestamp) {
      // Unidentified again (the identity failing on every load): the same anonymous id, not a new visitor each time.
      const stillUnidentified = previousUser === UNIDENTIFIED && userId === undefined;
      const another = previousUser !== undefined && previousUser !== userId && !stillUnidentified;
      if (userId === undefined && another && !standIn) {
        standIn = { anonymousId: uuid4(), user: previousUser!, userAnonymousId: analytics.user().anonymousId(), committed: false };
        return;
      }
      const anonymous = standIn;
      standIn = undefined;
      const sameUser = anonymous && userId === anonymous.user;
      if (sameUser) {
        // The stored user signed in after all: their own anonymous id (a hidden page had replaced it).
        if (anonymous.committed && typeof anonymous.userAnonymousId === 'string') analytics.user().anonymousId(anonymous.userAnonymousId);
        previousUser = userId;
      } else if (anonymous) {
        // Someone else: the anonymous session's id goes on as theirs.
        startOver(anonymous.anonymousId);
      }
      identity()?.endUserAside();
      if (previousUser !== undefined && previousUser !== userId && !stillUnidentified) {
        // Another person: a fresh anonymous id, no traits or group of the previous user.
        analytics.reset();
      }
      previousUser = userId;
      storedOwner?.set(userId);
      if (userId !== undefined) identify(userId, timestamp);
      // After a while anonymous, this session is the browser's latest (another tab may have stored someone since).
      if (sameUser) identity()?.writeNow();
      else identity()?.sync();
    },
    standIn: () => (standIn && !standIn.committed ? standIn.anonymousId : undefined),
    leaving() {
      if (!standIn || standIn.committed) return;
      standIn.committed = true;
      startOver(standIn.anonymousId);
      storedOwner?.set(undefined);
      identity()?.sync();
    },
  };
}
