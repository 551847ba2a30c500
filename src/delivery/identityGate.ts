import { describeError, SafeLogger } from '../warnSafely';
import { Scheduler } from '../time/scheduler';

/**
 * `waiting`: the identity is resolving and calls wait for it (at most the
 * time-out); `late`: the same after the time-out started an anonymous
 * session, for calls captured since (see {@link createIdentityGate}).
 */
export type IdentityState = { kind: 'waiting' } | { kind: 'late' } | { kind: 'known'; userId: string } | { kind: 'anonymous' };

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
  /** Calls that waited again, the anonymous session started, may go now (their time-out passed, or the id failed). */
  onRelease(): void;
};

/** See {@link createIdentityGate}. */
export type IdentityGate = {
  /** Where the identity stands. */
  readonly state: IdentityState;
  /**
   * A call is waiting: its time-out runs from its capture (`capturedAt`,
   * wall-clock ms: what it waited before, for a pseudonym say, counts), unless
   * one runs already (see {@link createIdentityGate}).
   */
  startClock(capturedAt: number): void;
  /** Calls waiting again go now, anonymous: the page is being left for good (it never learns the id), or they cannot be kept. */
  leaving(): void;
  /** Delivery stopped for good: no time-out, and no session or warning when the id answers. */
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
 * anonymous calls already released. While the id may still come, a call
 * captured later waits again, at most `timeoutMs` (each call waits that long
 * at most, counted from the capture of the first of those waiting with it,
 * so that time spent waiting before delivery counts): the user
 * signing in a moment later (Backstage's `signIn` is captured just before
 * the identity answers) has it attributed. The clock starts with the first
 * waiting call, not at construction: an app may build the analytics API
 * long before its user signs in.
 */
export function createIdentityGate({ userId, timeoutMs, scheduler, logger, onSession, onRelease }: IdentityGateOptions): IdentityGate {
  let state: IdentityState = userId ? { kind: 'waiting' } : { kind: 'anonymous' };
  /** The id may still come (the time-out may have started an anonymous session meanwhile). */
  let resolving = Boolean(userId);
  let clockStarted = false;
  let timer: unknown;
  /** Delivery stopped for good: the id's answer changes nothing, and is not warned about. */
  let stopped = false;

  const goAnonymous = () => {
    state = { kind: 'anonymous' };
    onSession(undefined, 'front');
  };
  /** Calls that waited again go, anonymous: their session has started already. */
  const release = () => {
    state = { kind: 'anonymous' };
    onRelease();
  };

  if (!userId) onSession(undefined, 'back');
  else {
    userId.then(
      id => {
        if (stopped) return;
        resolving = false;
        scheduler.clearTimeout(timer);
        const place: SessionPlace = state.kind === 'waiting' || state.kind === 'late' ? 'front' : 'back';
        state = { kind: 'known', userId: id };
        onSession(id, place);
      },
      error => {
        if (stopped) return;
        resolving = false;
        scheduler.clearTimeout(timer);
        if (state.kind === 'late') release(); // calls waiting again: anonymous too (the time-out already warned)
        if (state.kind !== 'waiting') return;
        logger.warn(`Segment analytics: could not identify the user, events are sent anonymously: ${describeError(error)}`);
        goAnonymous();
      },
    );
  }

  return {
    get state() {
      return state;
    },
    startClock(capturedAt) {
      if (state.kind === 'anonymous' && resolving) {
        // Late, and the id may still come: this call waits again, on a clock of its own.
        state = { kind: 'late' };
        clockStarted = false;
      }
      if ((state.kind !== 'waiting' && state.kind !== 'late') || clockStarted) return;
      clockStarted = true;
      const waited = Math.min(Math.max(scheduler.wallNow() - capturedAt, 0) || 0, timeoutMs);
      timer = scheduler.setTimeout(() => {
        if (state.kind === 'late') release();
        if (state.kind !== 'waiting') return;
        logger.warn(
          `Segment analytics: the user's identity was not known after ${timeoutMs} ms; ` +
            'the events waiting for it may go out anonymous; later ones wait for it again, at most as long',
        );
        goAnonymous();
      }, timeoutMs - waited);
    },
    leaving() {
      if (state.kind !== 'late') return;
      scheduler.clearTimeout(timer);
      state = { kind: 'anonymous' };
    },
    stop() {
      stopped = true;
      scheduler.clearTimeout(timer);
    },
  };
}
