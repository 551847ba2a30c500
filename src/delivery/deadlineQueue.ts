/** The clock and timers a {@link DeadlineQueue} runs on (the `Scheduler` of delivery fits). */
export type DeadlineTimers = {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

type Entry<T> = { due: number; item: T; cancelled: boolean };

/**
 * Runs an action on each item a fixed time after it was added, on one timer
 * for all of them (items come due in the order they were added): many calls
 * in flight cost one pending timer, not one each.
 */
export class DeadlineQueue<T> {
  private entries: Entry<T>[] = [];
  private head = 0;
  private timer?: unknown;

  /**
   * @param delayMs - how long after `add` an item's action runs
   * @param run - the action; what it throws is ignored
   */
  constructor(
    private readonly delayMs: number,
    private readonly run: (item: T) => void,
    private readonly timers: DeadlineTimers,
  ) {}

  /** Items added and neither run nor cancelled, plus cancelled ones not yet passed over. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** Adds an item; returns what cancels its action. */
  add(item: T): () => void {
    const entry: Entry<T> = { due: this.timers.now() + this.delayMs, item, cancelled: false };
    this.entries.push(entry);
    this.arm();
    return () => {
      entry.cancelled = true;
    };
  }

  private arm() {
    while (this.head < this.entries.length && this.entries[this.head].cancelled) this.head++;
    this.compact();
    if (this.timer !== undefined || this.head >= this.entries.length) return;
    const wait = Math.max(0, this.entries[this.head].due - this.timers.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, wait);
  }

  private fire() {
    const now = this.timers.now();
    while (this.head < this.entries.length && this.entries[this.head].due <= now) {
      const entry = this.entries[this.head++];
      if (entry.cancelled) continue;
      try {
        this.run(entry.item);
      } catch {
        // one item's action never stops the others
      }
    }
    this.arm();
  }

  private compact() {
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
