/**
 * Hands items on in the order they were given, where some are only known
 * later (a promise that must not reject). An item given while nothing is
 * pending is handed on at once, on the caller's stack; one given behind a
 * pending item waits for it.
 */
export function createOrderedHandoff<T>(next: (item: T) => void) {
  const waiting: { ready: boolean; item?: T }[] = [];
  const drain = () => {
    while (waiting.length && waiting[0].ready) {
      try {
        next(waiting.shift()!.item as T);
      } catch {
        // `next` is the caller's; one failing item must not hold back the rest.
      }
    }
  };
  return {
    /** Hands `item` on now, or after every item given before it. */
    push(item: T): void {
      if (waiting.length) waiting.push({ ready: true, item });
      else next(item);
    },
    /** Hands the value of `later` on once it and every item given before it are known. */
    pushLater(later: Promise<T>): void {
      const slot: { ready: boolean; item?: T } = { ready: false };
      waiting.push(slot);
      void later.then(item => {
        slot.item = item;
        slot.ready = true;
        drain();
      });
    },
    /** Items not handed on yet. */
    get pending(): number {
      return waiting.length;
    },
  };
}
