import { describeError } from '../warnSafely';

/** Most items held while waiting; beyond, the oldest are dropped (and counted). */
export const MAX_HELD = 5000;

type GateState<T> =
  | { state: 'waiting'; held: T[]; dropped: number }
  | { state: 'open' }
  | { state: 'closed' };

/** Where the gate reports: a warning for dropped items, an error when it closes. */
export type GateLog = Pick<Console, 'warn' | 'error'>;

function tell(log: GateLog, level: 'warn' | 'error', message: string): void {
  try {
    log[level](message);
  } catch {
    // A broken console must not stop the gate.
  }
}

/**
 * Holds items, in order, until `ready` settles, then hands them to `next`;
 * from then on each item goes to `next` at once, on the caller's stack.
 *
 * @remarks
 * While waiting, at most {@link MAX_HELD} items are held: beyond, the
 * oldest are dropped, and one warning says how many once the wait is over.
 * When `ready` rejects, the gate closes for good: the held items and every
 * later one are dropped, and one error (the rejection's message) says why.
 * `next` throwing for one item never holds back the others.
 *
 * @param hold - completes an item that is held (with what must be read at
 *   the moment it was given, e.g. the page's location); items handed on at
 *   once are given as they are
 */
export function createReadyGate<T>(
  ready: Promise<void>,
  next: (item: T) => void,
  log: GateLog,
  hold: (item: T) => T = item => item,
): (item: T) => void {
  let gate: GateState<T> = { state: 'waiting', held: [], dropped: 0 };
  const hand = (item: T) => {
    try {
      next(item);
    } catch {
      // `next` is the caller's; one failing item must not hold back the rest.
    }
  };
  ready.then(
    () => {
      if (gate.state !== 'waiting') return;
      const { held, dropped } = gate;
      gate = { state: 'open' };
      if (dropped) tell(log, 'warn', `Segment analytics: ${dropped} events were dropped while waiting for the regular expression engine`);
      held.forEach(hand);
    },
    error => {
      gate = { state: 'closed' };
      tell(log, 'error', `Segment analytics is off: ${error instanceof Error ? error.message : describeError(error)}`);
    },
  );
  return item => {
    if (gate.state === 'open') hand(item);
    else if (gate.state === 'waiting') {
      if (gate.held.length >= MAX_HELD) {
        gate.held.shift();
        gate.dropped++;
      }
      gate.held.push(hold(item));
    }
  };
}
