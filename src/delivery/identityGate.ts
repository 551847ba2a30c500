import { describeError, SafeLogger } from '../warnSafely';
import { Scheduler } from '../time/scheduler';

/** `waiting`: the identity is resolving and calls wait for it (at most the time-out). */
export type IdentityState = { kind: 'waiting' } | { kind: 'known'; userId: string } | { kind: 'anonymous' };

/** Where a session starts in the queue: before everything waiting, or after what was already released. */
export type SessionPlace = 'front' | 'back';

/** Options of {@link createIdentityGate}. */
export type IdentityGateOptions = {
  /** The user's id, still resolving; undefined when no user is identified. */
  userId?: Promise<string>;
  /** How long calls wait for `userId` before they go out anonymous. */
  timeoutMs: number;
  scheduler: Scheduler;
  logger: SafeLogger;
  /** A session starts: the user identified (`userId`) or anonymous (undefined). */
  onSession(userId: string | undefined, place: SessionPlace): void;
};

/** See {@link createIdentityGate}. */
export type IdentityGate = {
  /** Where the identity stands. */
  readonly state: IdentityState;
  /** The first call is waiting: the time-out starts now (once). */
  startClock(): void;
  /** Delivery stopped for good: no time-out any more. */
  stop(): void;
};

/**
 * Whom the page's calls belong to: waits for the user's id, and decides
 * when the page's session starts and for whom.
 *
 * @remarks
 * In time, the user's session starts before everything captured so far.
 * When the id fails (any rejection, whatever its shape) or is not known
 * `timeoutMs` after the first call started waiting, an anonymous session
 * starts (one warning); a late id then starts the user's session after the
 * anonymous calls already released. The clock starts with the first waiting
 * call, not at construction: an app may build the analytics API long before
 * its user signs in.
 */
export function createIdentityGate({ userId, timeoutMs, scheduler, logger, onSession }: IdentityGateOptions): IdentityGate {
  let state: IdentityState = userId ? { kind: 'waiting' } : { kind: 'anonymous' };
  let clockStarted = false;
  let timer: unknown;

  const goAnonymous = () => {
    state = { kind: 'anonymous' };
    onSession(undefined, 'front');
  };

  if (!userId) onSession(undefined, 'back');
  else {
    userId.then(
      id => {
        scheduler.clearTimeout(timer);
        const place: SessionPlace = state.kind === 'waiting' ? 'front' : 'back';
        state = { kind: 'known', userId: id };
        onSession(id, place);
      },
      error => {
        if (state.kind !== 'waiting') return; // the time-out already warned
        scheduler.clearTimeout(timer);
        logger.warn(`Segment analytics: could not identify the user, events are sent anonymously: ${describeError(error)}`);
        goAnonymous();
      },
    );
  }

  return {
    get state() {
      return state;
    },
    startClock() {
      if (state.kind !== 'waiting' || clockStarted) return;
      clockStarted = true;
      timer = scheduler.setTimeout(() => {
        if (state.kind !== 'waiting') return;
        logger.warn(
          `Segment analytics: the user's identity was not known after ${timeoutMs} ms; ` +
            'events are sent anonymously until it is',
        );
        goAnonymous();
      }, timeoutMs);
    },
    stop() {
      scheduler.clearTimeout(timer);
    },
  };
}
