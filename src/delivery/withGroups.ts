import type { ResolvedIdentity } from '../identity/resolveIdentity';
import { Transport } from './Transport';

/**
 * A transport that follows each `identify` with the user's `group` calls,
 * one per group in order, and attributes that user's calls to their first
 * group (`context.groupId`).
 *
 * @remarks
 * Delivery only knows user ids: it calls `identify(userId)` once the identity
 * has resolved, and holds the user's calls until it has returned, so the
 * group calls go out after `identify` and before the user's events. Calls
 * sent anonymously (identity late or failed) carry no group. Without groups
 * every call passes through unchanged.
 */
export function withGroups(transport: Transport, identity: Promise<ResolvedIdentity>): Transport {
  let current: { userId: string; groupId?: string } | undefined;
  return {
    ...transport,
    async identify(userId, timestamp) {
      const { groups } = await identity;
      current = { userId, groupId: groups[0]?.groupId };
      await transport.identify(userId, timestamp);
      for (const group of groups) await transport.group?.(group, userId, timestamp);
    },
    send(call, userId) {
      const groupId = userId !== undefined && userId === current?.userId ? current.groupId : undefined;
      transport.send(call, userId, groupId);
    },
  };
}
