import type { BackstageUserIdentity } from '@backstage/core-plugin-api';
import { entityName, selectGroupRefs } from './selectGroupRefs';
import { transformEntityRef, withheld } from './transformEntityRef';
import type { IdentityOptions } from './userIdOptions';

/** One Segment `group` call: the group's id and its traits. */
export type SegmentGroup = {
  /** The group's entity ref, or its transform when one is set. */
  groupId: string;
  /** `{ name }` without a transform; empty when ids are pseudonymized. */
  traits: { name?: string };
};

/** The signed-in user as Segment sees them. */
export type ResolvedIdentity = {
  userId: string;
  /** Groups to send `group` calls for, in order; the first is `context.groupId`. */
  groups: readonly SegmentGroup[];
};

/** The timers a group's transform is bounded by; injected so tests use fake timers. */
export type GroupTimers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

/** {@link IdentityOptions}, plus which groups to send. */
export type ResolveIdentityOptions = IdentityOptions & {
  /** `false` or absent: no groups. */
  groups?: false | { limit: number };
  /**
   * Longest wait for a group's transform, from when it is asked; past it
   * the group is left out, so that a slow or hanging transform of groups
   * never holds the user's id back. Absent: no bound.
   */
  groupTimeoutMs?: number;
  timers?: GroupTimers;
  /** Told once when a group's transform fails or is too slow (the group is left out). */
  warn?: (message: string) => void;
  /**
   * Told the user's entity ref as soon as it is read, with their id to come
   * (settled before the identity resolves), so that the privacy step finds
   * the ref in events, also when the transform fails or is slow. The ref
   * goes nowhere else: the resolved identity holds ids only.
   */
  onUser?: (userEntityRef: string, userId: Promise<string>) => void;
};

/** `id`, or a rejection once `ms` have passed without it. */
function within(id: Promise<string>, ms: number | undefined, timers: GroupTimers): Promise<string> {
  if (ms === undefined) return id;
  return new Promise<string>((resolve, reject) => {
    const timer = timers.setTimeout(() => reject(new Error('too slow')), ms);
    id.then(
      value => {
        timers.clearTimeout(timer);
        resolve(value);
      },
      error => {
        timers.clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function resolveGroups(
  ownershipEntityRefs: () => unknown,
  { transform, salt, groups, warn, groupTimeoutMs, timers = globalThis }: ResolveIdentityOptions,
): Promise<SegmentGroup[]> {
  if (!groups) return [];
  const refs = selectGroupRefs(ownershipEntityRefs(), groups.limit);
  const ids = await Promise.allSettled(refs.map(ref => within(transformEntityRef(ref, transform, salt), groupTimeoutMs, timers)));
  const failed = ids.filter(id => id.status === 'rejected').length;
  if (failed) warn?.(`Segment analytics: ${failed} of the user's groups could not be transformed in time and are not sent`);
  const seen = new Set<string>();
  const result: SegmentGroup[] = [];
  ids.forEach((id, i) => {
    if (id.status !== 'fulfilled' || seen.has(id.value)) return;
    seen.add(id.value);
    result.push({ groupId: id.value, traits: transform ? {} : { name: entityName(refs[i]) } });
  });
  return result;
}

/**
 * Resolves the signed-in user's Segment id and, when asked, the groups they
 * belong to, from one read of the identity.
 *
 * @remarks
 * Group ids are the `group:` ownership refs transformed exactly like the user
 * id, so a pseudonymized setup never sends a plaintext ref; their traits
 * carry the group's name only when no transform is set. Rejects when the
 * identity or the user's transform fails, or the id is refused (the caller
 * then sends anonymously, and with a transform no error quotes the ref);
 * a group whose transform fails, or takes longer than `groupTimeoutMs`, is
 * left out.
 */
export async function resolveIdentity(options: ResolveIdentityOptions): Promise<ResolvedIdentity> {
  let identity: BackstageUserIdentity;
  let userEntityRef: unknown;
  try {
    // Reading the answer is part of asking: it may be null, or a Proxy whose reads throw.
    identity = await options.identityApi.getBackstageIdentity();
    userEntityRef = identity.userEntityRef;
  } catch (error) {
    // Whatever was thrown (a Symbol, an object without a prototype...) is only ever described, never
    // converted here; with a transform, not even that, as it may quote the entity ref.
    if (options.transform) throw withheld('the identity API');
    throw error;
  }
  if (typeof userEntityRef !== 'string' || !userEntityRef) {
    throw new Error('the identity API returned no user entity ref');
  }
  // Groups are a bonus: refs that cannot even be read (a hostile array) mean no groups, never no user.
  const noGroups = () => {
    options.warn?.("Segment analytics: the user's groups could not be read and are not sent");
    return [];
  };
  const transformed = transformEntityRef(userEntityRef, options.transform, options.salt);
  options.onUser?.(userEntityRef, transformed);
  const [userId, groups] = await Promise.all([transformed, resolveGroups(() => identity.ownershipEntityRefs, options).catch(noGroups)]);
  return { userId, groups };
}
