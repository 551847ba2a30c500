/** The clock and timers a {@link DeadlineQueue} runs on (the `Scheduler` of delivery fits). */
export type DeadlineTimers = {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

/** Items with an action due a fixed time after each was added (see {@link createDeadlineQueue}). */
export type DeadlineQueue<T> = {
  /** Adds an item; returns what cancels its action. */
  add(item: T): () => void;
};

/**
 * Runs `run` on each item `delayMs` after it was added, on one timer for all
 * of them (items come due in the order they were added): many calls in
 * flight cost one pending timer, not one each. What `run` throws is ignored.
 */
export function createDeadlineQueue<T>(delayMs: number, run: (item: T) => void, timers: DeadlineTimers): DeadlineQueue<T> {
  type Entry = { due: number; item: T; cancelled?: boolean };
  let entries: Entry[] = [];
  let head = 0;
  let timer: unknown;
  /** Sets the timer for the first item due, where none is set; `now`: the clock as last read. */
  function arm(now: number) {
    while (head < entries.length && entries[head].cancelled) head++;
    if (head > 1024 || head === entries.length) {
      // What lies before the head is done with: let it go.
      entries = entries.slice(head);
      head = 0;
    }
    if (timer === undefined && head < entries.length) timer = timers.setTimeout(fire, Math.max(0, entries[head].due - now));
  }
  function fire() {
    timer = undefined;
    const now = timers.now();
    while (head < entries.length && entries[head].due <= now) {
      const entry = entries[head++];
      try {
        if (!entry.cancelled) run(entry.item);
      } catch {
        // one item's action never stops the others
      }
    }
    arm(now);
  }
  return {
    add(item) {
      const now = timers.now();
      const entry: Entry = { due: now + delayMs, item };
      entries.push(entry);
      arm(now);
      return () => {
        entry.cancelled = true;
      };
    },
  };
}
