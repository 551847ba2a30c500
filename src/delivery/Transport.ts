import type { SegmentGroup } from '../identity/resolveIdentity';
import { SegmentCall } from '../mapping/SegmentCall';

/**
 * Where calls go once they are ready: the loaded Segment library, or the
 * console in test mode. Delivery decides when; a transport decides how.
 */
export interface Transport {
  /** Sends `identify(userId)`; resolves once the library has handled it. */
  identify(userId: string, timestamp: Date): Promise<void>;
  /**
   * Sends `group(groupId, traits)` for `userId`; resolves once the library has
   * handled it. A transport without it sends no group calls.
   */
  group?(group: SegmentGroup, userId: string, timestamp: Date): Promise<void>;
  /** Sends one call, attributed to `userId` or anonymous, and to `groupId` (`context.groupId`) when given. */
  send(call: SegmentCall, userId: string | undefined, groupId?: string): void;
}

/** The warnings and logs of the module; the console by default. */
export type Logger = Pick<Console, 'warn' | 'info'>;
