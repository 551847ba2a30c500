import type { SegmentGroup } from '../identity/resolveIdentity';
import { SegmentCall } from '../mapping/SegmentCall';
import type { StoredCall } from './callStore';

/** What a call carries besides itself when it is handed over. */
export type SendOptions = {
  /** The (transformed) user id, or undefined: anonymous. */
  userId?: string;
  /** A messageId given before (the call was stored): a resend keeps it, so Segment de-duplicates. */
  messageId?: string;
  /** The anonymous id this call must carry instead of the current one. */
  anonymousId?: string;
  /** The user's first group (`context.groupId`), when team analytics is on. */
  groupId?: string;
  /** Segment consent categories the user gave (`context.consent.categoryPreferences`). */
  categoryPreferences?: { [category: string]: boolean };
};

/**
 * Where calls go once they are ready: the loaded Segment library, or the
 * console in test mode. Delivery decides when; a transport decides how.
 * Every method hands over synchronously and returns at once.
 */
export interface Transport {
  /**
   * Starts this page's session: `userId` is identified (undefined: the
   * session is anonymous; a user's session may still follow it, the
   * identity being late). When the browser's stored identity belongs to
   * another user, the session first gets a fresh anonymous id; an anonymous
   * session where a user's identity is stored, one of its own.
   */
  startSession(userId: string | undefined, timestamp: Date): void;
  /**
   * Sends `group(groupId, traits)` for `userId`, right after its session
   * started. A transport without it sends no group calls.
   */
  group?(group: SegmentGroup, userId: string, timestamp: Date): void;
  /**
   * The user switched analytics off: from now on nothing reaches the
   * network, not even what the library still holds (retries, its queues).
   */
  stop?(): void;
  /**
   * The page is being hidden or left (`final`: unloaded for good, see
   * `PageLeave`): what is handed over from now on must outlive it.
   */
  leaving?(final: boolean): void;
  /**
   * The calls handed over lately that may live only in memory (the
   * batcher's buffer, a batch request without `keepalive`), as they
   * would be stored, with the messageId and anonymous id they went out with:
   * a page being hidden for navigation (`pagehide`) or frozen stores them for the next load (see
   * `createRecentHandOvers`). `unannounced`: frozen with no `pagehide` before
   * (see `PageLeave`), so what the library persists on `pagehide` (its own
   * queue, without `batching`) is in memory only too. A transport without it holds none.
   */
  heldInMemory?(unannounced: boolean): StoredCall[];
  /**
   * The anonymous id the current anonymous session's calls go out with,
   * where it is not the browser's own (see `sessionStart.ts`); else undefined.
   */
  standIn?(): string | undefined;
  /** The browser's anonymous id as this page's library holds it (in memory: storage may have been cleared since). */
  anonymousId?(): string | undefined;
  /**
   * Hands one call over; may return a promise that settles once the library
   * has run the call through its pipeline (Delivery paces a burst by it).
   */
  send(call: SegmentCall, options: SendOptions): void | Promise<unknown>;
}

export type { Logger } from '../warnSafely';
