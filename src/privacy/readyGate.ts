import { Logger, safeLogger } from '../warnSafely';

/** Most items held while waiting; beyond, the oldest are dropped (one warning says how many). */
export const MAX_HELD = 5000;

/**
 * Holds items, in order, until `ready` settles, then hands them to `next`;
 * from then on each item goes to `next` at once, on the caller's stack.
 *
 * @remarks
 * While waiting, at most {@link MAX_HELD} items are held; beyond, the oldest
 * are dropped (the newest are the ones sent, as everywhere events wait), and
 * one warning, when `ready` resolves, says how many. When `ready` rejects,
 * the gate closes for good: held and later items are dropped, and one error
 * (the rejection's message: `ready` rejects with an `Error`) says why.
 *
 * @param hold - completes an item that is held, with what must be read at
 *   the moment it was given (the page's location, say)
 */
export function createReadyGate<T>(
  ready: Promise<void>,
  next: (item: T) => void,
  log: Logger,
  hold: (item: T) => T = item => item,
): (item: T) => void {
  let gate: 'waiting' | 'open' | 'closed' = 'waiting';
  let held: T[] = [];
  let dropped = 0;
  // A warning for dropped items, an error when the gate closes; a broken console cannot stop the gate.
  const safe = safeLogger(log);
  ready.then(
    () => {
      gate = 'open';
      if (dropped) {
        safe.warn(
          `Segment analytics: ${dropped} events were dropped (the oldest) while more than ${MAX_HELD} ` +
            'waited for the regular expression engine',
        );
      }
      for (const item of held.splice(0)) {
        try {
          next(item);
        } catch {
          // `next` is the caller's; one failing item must not hold back the rest.
        }
      }
    },
    error => {
      gate = 'closed';
      held = [];
      safe.error(`Segment analytics is off: ${(error as Error).message}`);
    },
  );
  return item => {
    if (gate === 'open') next(item);
    // Beyond the bound, the oldest goes: a shift per event past it, rare and bounded.
    else if (gate === 'waiting' && held.push(hold(item)) > MAX_HELD) {
      held.shift();
      dropped++;
    }
  };
}
