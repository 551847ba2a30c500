import { createWarnOnce, Logger, safeLogger } from '../warnSafely';
import { createOrderedHandoff } from './orderedHandoff';

/** Most items held while waiting; beyond, new ones are dropped (one warning). */
export const MAX_HELD = 5000;

/**
 * Holds items, in order, until `ready` settles, then hands them to `next`;
 * from then on each item goes to `next` at once, on the caller's stack.
 *
 * @remarks
 * While waiting, at most {@link MAX_HELD} items are held; beyond, new ones
 * are dropped and one warning says so. When `ready` rejects, the gate closes
 * for good: held and later items are dropped, and one error (the rejection's
 * message: `ready` rejects with an `Error`) says why.
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
  // A warning for dropped items, an error when the gate closes; a broken console cannot stop the gate.
  const safe = safeLogger(log);
  const warnOnce = createWarnOnce(safe);
  ready.then(
    () => {
      gate = 'open';
    },
    error => {
      gate = 'closed';
      safe.error(`Segment analytics is off: ${(error as Error).message}`);
    },
  );
  // Held items are handed on once `ready` resolves, before any later one: `undefined` when it rejected.
  const handoff = createOrderedHandoff<T | undefined>(item => item !== undefined && next(item));
  return item => {
    if (gate === 'open') handoff.push(item);
    else if (gate === 'waiting' && handoff.pending < MAX_HELD) {
      const held = hold(item);
      handoff.pushLater(ready.then(() => held, () => undefined), undefined);
    } else if (gate === 'waiting') {
      warnOnce('held', `Segment analytics: ${MAX_HELD} events wait for the regular expression engine; later ones are dropped`);
    }
  };
}
