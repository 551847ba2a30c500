/** One item given to the handoff: known, or still being worked out (with what stands in for it if it must go now). */
type Slot<T> = { state: 'pending'; fallback: T } | { state: 'ready'; item: T };

/**
 * Hands items on in the order they were given, where some are only known
 * later (a promise that must not reject). An item given while nothing is
 * pending is handed on at once, on the caller's stack; one given behind a
 * pending item waits for it. `flush` hands everything on at once, each
 * pending item replaced by its fallback (the page is being left, say).
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
    /**
     * Hands the value of `later` on once it and every item given before it
     * are known; `fallback` instead if {@link flush} comes first.
     */
    pushLater(later: Promise<T>, fallback: T): void {
      const slot: Slot<T> = { state: 'pending', fallback };
      waiting.push(slot);
      void later.then(item => {
        const index = waiting.indexOf(slot);
        if (index < 0) return; // flushed: its fallback went instead
        waiting[index] = { state: 'ready', item };
        drain();
      });
    },
    /** Hands every item on now, in order, the pending ones as their fallbacks. */
    flush(): void {
      for (let i = 0; i < waiting.length; i++) {
        const slot = waiting[i];
        if (slot.state === 'pending') waiting[i] = { state: 'ready', item: slot.fallback };
      }
      drain();
    },
    /** Items not handed on yet. */
    get pending(): number {
      return waiting.length;
    },
  };
}
