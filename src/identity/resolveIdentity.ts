import type { BackstageUserIdentity } from '@backstage/core-plugin-api';
import { entityName, selectGroupRefs } from './selectGroupRefs';
import { transformEntityRef, withheld } from './transformEntityRef';
import type { IdentityOptions } from './userIdOptions';
import type { Timers } from '../time/scheduler';

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

/** {@link IdentityOptions}, plus which groups to send. */
export type ResolveIdentityOptions = IdentityOptions & {
  /** `false` or absent: no groups. */
  groups?: false | { limit: number };
  /**
   * With the app's own transform (a function): how long groups may still take
   * once the user's id is known; past it, those not transformed yet are left
   * out, so that a slow or hanging transform of groups holds the user's id back
   * no longer. Absent, or with `'sha-256'` (the module's own digest, which
   * cannot hang): no bound.
   */
  groupTimeoutMs?: number;
  timers?: Timers;
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

/** Marks a group whose transform had not answered when its time was up. */
const LATE = Symbol('late');

/**
 * Resolves once `ms` have passed after `userId` settled; `cancel` stops the
 * timer (every group answered first).
 */
function afterUserId(userId: Promise<string>, ms: number, timers: Timers) {
  let timer: unknown;
  let cancelled = false;
  const expired = new Promise<typeof LATE>(resolve => {
    const start = () => {
      if (!cancelled) timer = timers.setTimeout(() => resolve(LATE), ms);
    };
    userId.then(start, start);
  });
  return {
    expired,
    cancel() {
      cancelled = true;
      if (timer !== undefined) timers.clearTimeout(timer);
    },
  };
}

async function resolveGroups(
  ownershipEntityRefs: () => unknown,
  userId: Promise<string>,
  { transform, salt, groups, warn, groupTimeoutMs, timers = globalThis }: ResolveIdentityOptions,
): Promise<SegmentGroup[]> {
  if (!groups) return [];
  const refs = selectGroupRefs(ownershipEntityRefs(), groups.limit);
  const bound = typeof transform === 'function' && groupTimeoutMs !== undefined && refs.length ? afterUserId(userId, groupTimeoutMs, timers) : undefined;
  const ids = await Promise.allSettled(
    refs.map(ref => {
      const id = transformEntityRef(ref, transform, salt);
      return bound ? Promise.race([id, bound.expired]) : id;
    }),
  );
  bound?.cancel();
  const late = ids.filter(id => id.status === 'fulfilled' && id.value === LATE).length;
  const failed = ids.filter(id => id.status === 'rejected').length;
  // The transform failed or its id was refused; without one, a ref too long to be an id (see `transformEntityRef`).
  if (failed) warn?.(`Segment analytics: ${failed} of the user's groups have no usable id and are not sent`);
  if (late) {
    warn?.(`Segment analytics: ${late} of the user's groups took over ${groupTimeoutMs} ms after the user's id and are not sent`);
  }
  const seen = new Set<string>();
  const result: SegmentGroup[] = [];
  ids.forEach((id, i) => {
    if (id.status !== 'fulfilled' || id.value === LATE || seen.has(id.value)) return;
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
 * a group whose transform fails, or (the app's function) has not answered
 * `groupTimeoutMs` after the user's id, is left out.
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
  const [userId, groups] = await Promise.all([transformed, resolveGroups(() => identity.ownershipEntityRefs, transformed, options).catch(noGroups)]);
  return { userId, groups };
}
