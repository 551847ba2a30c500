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
   * A call is waiting: its time-out starts now, less `waitedMs` it already
   * waited for pseudonyms in privacy (the user's own is this same identity),
   * unless one runs already (see {@link createIdentityGate}).
   */
  startClock(waitedMs?: number): void;
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
 * at most, counted from the first of those waiting with it, less what it
 * waited for pseudonyms before delivery, so that no call waits for the
 * app's function longer than that in all): the user
 * signing in a moment later (Backstage's `signIn` is captured just before
 * the identity answers) has it attributed. The clock starts with the first
 * waiting call, not at construction: an app may build the analytics API
 * long before its user signs in.
 */
export function createIdentityGate({ userId, timeoutMs, scheduler, logger, onSession, onRelease }: IdentityGateOptions): IdentityGate {
  /**
   * `waiting` and `late` hold their clock once a call started it; `anonymous`
   * knows whether the id may still come; `stopped` keeps what it last said.
   */
  type Gate =
    | { kind: 'waiting' | 'late'; timer?: unknown }
    | { kind: 'anonymous'; idMayCome: boolean }
    | { kind: 'known'; userId: string }
    | { kind: 'stopped'; last: IdentityState };
  let gate: Gate = userId ? { kind: 'waiting' } : { kind: 'anonymous', idMayCome: false };
  const view = (): IdentityState => {
    if (gate.kind === 'stopped') return gate.last;
    return gate.kind === 'known' ? { kind: 'known', userId: gate.userId } : { kind: gate.kind };
  };
  const stopClock = () => 'timer' in gate && scheduler.clearTimeout(gate.timer);

  const goAnonymous = () => {
    gate = { kind: 'anonymous', idMayCome: true };
    onSession(undefined, 'front');
  };
  /** Calls that waited again go, anonymous: their session has started already. */
  const release = () => {
    gate = { kind: 'anonymous', idMayCome: true };
    onRelease();
  };

  if (!userId) onSession(undefined, 'back');
  else {
    userId.then(
      id => {
        if (gate.kind === 'stopped') return;
        stopClock();
        const place: SessionPlace = gate.kind === 'waiting' || gate.kind === 'late' ? 'front' : 'back';
        gate = { kind: 'known', userId: id };
        onSession(id, place);
      },
      error => {
        if (gate.kind === 'stopped') return;
        stopClock();
        const was = gate.kind;
        gate = { kind: 'anonymous', idMayCome: false };
        if (was === 'late') onRelease(); // calls waiting again: anonymous too (the time-out already warned)
        if (was !== 'waiting') return;
        logger.warn(`Segment analytics: could not identify the user, events are sent anonymously: ${describeError(error)}`);
        onSession(undefined, 'front');
      },
    );
  }

  return {
    get state() {
      return view();
    },
    startClock(waitedMs = 0) {
      // Late, and the id may still come: this call waits again, on a clock of its own.
      if (gate.kind === 'anonymous' && gate.idMayCome) gate = { kind: 'late' };
      if ((gate.kind !== 'waiting' && gate.kind !== 'late') || 'timer' in gate) return;
      const waited = Math.min(Math.max(waitedMs, 0) || 0, timeoutMs);
      gate.timer = scheduler.setTimeout(() => {
        if (gate.kind === 'late') release();
        if (gate.kind !== 'waiting') return;
        logger.warn(
          `Segment analytics: the user's identity was not known after ${timeoutMs} ms; ` +
            'the events waiting for it may go out anonymous; later ones wait for it again, at most as long',
        );
        goAnonymous();
      }, timeoutMs - waited);
    },
    leaving() {
      if (gate.kind !== 'late') return;
      stopClock();
      gate = { kind: 'anonymous', idMayCome: true };
    },
    stop() {
      stopClock();
      gate = { kind: 'stopped', last: view() };
    },
  };
}
