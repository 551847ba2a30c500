/** One item given to the handoff: known, or still being worked out. */
type Slot<T> = { state: 'pending' } | { state: 'ready'; item: T };

/**
 * Hands items on in the order they were given, where some are only known
 * later (a promise that must not reject). An item given while nothing is
 * pending is handed on at once, on the caller's stack; one given behind a
 * pending item waits for it.
 */
export function createOrderedHandoff<T>(next: (item: T) => void) {
  const waiting: Slot<T>[] = [];
  const drain = () => {
    for (let head = waiting[0]; head?.state === 'ready'; head = waiting[0]) {
      waiting.shift();
      try {
        next(head.item);
      } catch {
        // `next` is the caller's; one failing item must not hold back the rest.
      }
    }
  };
  return {
    /** Hands `item` on now, or after every item given before it. */
    push(item: T): void {
      if (waiting.length) waiting.push({ state: 'ready', item });
      else next(item);
    },
    /** Hands the value of `later` on once it and every item given before it are known. */
    pushLater(later: Promise<T>): void {
      const index = waiting.push({ state: 'pending' }) - 1;
      const slot = waiting[index];
      void later.then(item => {
        waiting[waiting.indexOf(slot)] = { state: 'ready', item };
        drain();
      });
    },
    /** Items not handed on yet. */
    get pending(): number {
      return waiting.length;
    },
  };
}
