import { SegmentCall } from '../mapping/SegmentCall';

/** A call waiting in the queue. */
export type QueuedCall = {
  readonly kind: 'call';
  readonly call: SegmentCall;
  /** When it reached delivery, on the scheduler's monotonic clock. */
  readonly at: number;
  /** Given when the call was first stored for the next page load; a resend keeps it. */
  messageId?: string;
  /** True while the page's only copy is in the store: it is sent from here only if still stored. */
  stored?: boolean;
};

/** The page's session starts here: identify `userId`, or anonymous. */
export type SessionStart = { readonly kind: 'session'; readonly userId: string | undefined };

/** What the queue holds, in the order it is handed over. */
export type QueueItem = QueuedCall | SessionStart;

/**
 * The ordered queue of delivery: calls in capture order, with the session
 * start placed where it belongs. Taking from the head is O(1) (a moving
 * index, compacted now and then), so a burst of thousands costs no copying
 * per call.
 */
export class CallQueue {
  private items: QueueItem[] = [];
  private head = 0;
  private callCount = 0;

  /** Calls in the queue (it also holds session starts). */
  get calls(): number {
    return this.callCount;
  }

  /** True when nothing waits. */
  get empty(): boolean {
    return this.head >= this.items.length;
  }

  /** The item at the head, without taking it. */
  peek(): QueueItem | undefined {
    return this.items[this.head];
  }

  /** Takes the item at the head (call only when not {@link CallQueue.empty}). */
  shift(): QueueItem {
    const item = this.items[this.head++];
    if (item.kind === 'call') this.callCount--;
    return item;
  }

  /** Adds at the end. */
  push(item: QueueItem): void {
    if (item.kind === 'call') this.callCount++;
    this.items.push(item);
  }

  /** Adds at the head (a session that starts before everything waiting). */
  unshift(item: QueueItem): void {
    if (item.kind === 'call') this.callCount++;
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  /**
   * Puts a session start at the head. An anonymous one still there (the
   * identity's time-out queued it, and nothing of it has gone out: the
   * library was still loading) is replaced: the user came in time after all.
   */
  startSessionFirst(session: SessionStart): void {
    const head = this.peek();
    if (head?.kind === 'session' && head.userId === undefined) this.shift();
    this.unshift(session);
  }

  /** Drops the oldest call; true if there was one. */
  dropOldestCall(): boolean {
    for (let i = this.head; i < this.items.length; i++) {
      if (this.items[i].kind === 'call') {
        this.items.splice(i, 1);
        this.callCount--;
        return true;
      }
    }
    return false;
  }

  /** What waits, head first (a copy). */
  waiting(): QueueItem[] {
    return this.items.slice(this.head);
  }

  /** The first call waiting, if any. */
  firstCall(): QueuedCall | undefined {
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i];
      if (item.kind === 'call') return item;
    }
    return undefined;
  }

  /** Removes these calls (another page load sent them). */
  remove(gone: ReadonlySet<QueueItem>): void {
    if (!gone.size) return;
    this.items = this.waiting().filter(item => !gone.has(item));
    this.head = 0;
    this.callCount -= gone.size;
  }

  /** Forgets everything. */
  clear(): void {
    this.items = [];
    this.head = 0;
    this.callCount = 0;
  }

  /** Frees the space of taken items once it is worth a copy. */
  compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** See {@link createWaitingBound}. */
export type WaitingBound = {
  /** Called before a call is queued while calls cannot go out: drops the oldest when the queue is full. */
  makeRoom(queue: CallQueue): void;
  /** Warns (once) how many were dropped, if any. */
  warn(): void;
};

/**
 * The bound on calls kept while the library or the identity is not ready:
 * beyond `max`, the oldest are dropped. One warning says so as the first is
 * (the library may never load: blocked), and one how many once they go out
 * or the page is left.
 */
export function createWaitingBound(max: number, warnOnce: (topic: string, message: string) => void): WaitingBound {
  let dropped = 0;
  const why = `(the oldest) while more than ${max} waited for the Segment library (with \`delivery: backend\`, for the relay to know the user) or the user identity`;
  return {
    makeRoom(queue) {
      if (queue.calls < max || !queue.dropOldestCall()) return;
      if (!dropped++) warnOnce('dropping', `Segment analytics: events are being dropped ${why}`);
    },
    warn() {
      if (dropped) warnOnce('dropped', `Segment analytics: ${dropped} events were dropped ${why}`);
    },
  };
}
