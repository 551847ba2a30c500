import { EVENT_HOOKS } from './enrichmentGuard';
import { findSegmentDestination } from './segmentDestination';

type Hook = (ctx: { event: { userId?: string | null } }) => unknown;

/** What this needs of a loaded library instance. */
export type AnonymousCallsHolder = {
  queue: { plugins: unknown[] };
  user(): { id(id?: string | null): unknown };
};

/**
 * Calls the module sends without a user id go out without one.
 *
 * @remarks
 * The library's Segment.io destination fills in `userId` when it builds a
 * request (each attempt, retries included) from the user it knows *then*:
 * a call an earlier page load stored anonymously (its user not known yet
 * when the page was left), handed over first, would carry the user of this
 * load's session, which starts meanwhile, maybe another person. Every call
 * with a user has its `userId` set when it is built (the module passes it
 * in the call's options), so while the destination builds a request for a
 * call without one, the library's user id is set aside and put back at once
 * (in memory: the library holds the identity for the page's life, see
 * `pageLifeIdentity.ts`). Wraps the destination's hooks: call before
 * anything else wraps them (`leaveSender.ts`), so that every way to the
 * destination goes through this one.
 */
export function keepAnonymousCallsAnonymous(analytics: AnonymousCallsHolder): void {
  const destination = findSegmentDestination(analytics.queue.plugins);
  if (!destination) return;
  for (const type of EVENT_HOOKS) {
    const hook = destination[type] as Hook | undefined;
    if (typeof hook !== 'function') continue;
    destination[type] = (ctx: Parameters<Hook>[0]) => {
      const user = analytics.user();
      const userId = ctx.event.userId ? undefined : user.id();
      if (!userId) return hook.call(destination, ctx);
      user.id(null);
      try {
        return hook.call(destination, ctx);
      } finally {
        user.id(userId as string);
      }
    };
  }
}
