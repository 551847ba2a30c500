import { createDeadlineQueue, DeadlineTimers } from './deadlineQueue';

/**
 * Looks at each value `delayMs` after it is added, with one timer for all
 * pending values instead of one per value.
 *
 * @param observe - what looks at a value; what it throws is ignored
 */
export function createDelayedObserver<T>(
  observe: (value: T) => void,
  delayMs: number,
  timers: DeadlineTimers,
): { add(value: T): void } {
  const queue = createDeadlineQueue<T>(delayMs, observe, timers);
  return {
    add(value) {
      queue.add(value);
    },
  };
}
