import type { ResolvedIdentity, SegmentGroup } from '../identity/resolveIdentity';
import { Transport } from '../delivery/Transport';

/** See {@link withGroups}. */
export type GroupsOfIdentity = {
  /** The user's id, known only once their groups are known too. */
  userId: Promise<string>;
  /** Wraps a transport so that it sends the user's group calls and `context.groupId`. */
  decorate(transport: Transport): Transport;
};

/**
 * Team analytics over a transport: each session start of the identified user
 * is followed by their `group` calls, one per group in order, and that user's
 * calls carry their first group (`context.groupId`).
 *
 * @remarks
 * Delivery only knows user ids: `userId` resolves after the groups are
 * recorded, so by the time Delivery starts the user's session they are
 * known. Calls sent anonymously (identity late or failed), or for another
 * user, carry no group. Without groups every call passes through unchanged.
 */
export function withGroups(identity: Promise<ResolvedIdentity>): GroupsOfIdentity {
  let known: ResolvedIdentity | undefined;
  const userId = identity.then(resolved => {
    known = resolved;
    return resolved.userId;
  });
  // Looked at later (the user's own choice loads its code first): a failure is its readers', not the page's unhandled one.
  userId.catch(() => {});
  const groupsOf = (id: string | undefined): readonly SegmentGroup[] =>
    id !== undefined && id === known?.userId ? known.groups : [];
  return {
    userId,
    decorate: transport => ({
      ...transport,
      startSession(id, timestamp) {
        transport.startSession(id, timestamp);
        if (id === undefined) return;
        for (const group of groupsOf(id)) transport.group?.(group, id, timestamp);
      },
      send(call, options) {
        const groupId = groupsOf(options.userId)[0]?.groupId;
        return transport.send(call, groupId ? { ...options, groupId } : options);
      },
    }),
  };
}
