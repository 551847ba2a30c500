// @ts-check
// A bounded, oldest-first store: at most `maxItems` entries and `maxBytes`
// bytes (as each entry's size is declared when it is pushed); the oldest
// entries are dropped to make room. Every entry gets a sequence number that
// keeps growing across drops and clears, for stable paging cursors.

/**
 * @template T
 * @typedef {{ seq: number, bytes: number, value: T }} Slot
 */

/**
 * A ring buffer bounded in count and in bytes.
 * @template T
 */
export class RingBuffer {
  /**
   * @param {{ maxItems: number, maxBytes?: number }} bounds
   */
  constructor({ maxItems, maxBytes = Infinity }) {
    if (!Number.isInteger(maxItems) || maxItems < 1) throw new TypeError(`maxItems must be a positive integer; got ${maxItems}`);
    if (!(maxBytes > 0)) throw new TypeError(`maxBytes must be positive; got ${maxBytes}`);
    /** The most entries kept. */
    this.maxItems = maxItems;
    /** The most bytes kept (sum of the declared sizes). */
    this.maxBytes = maxBytes;
    /** @type {(Slot<T> | undefined)[]} */
    this.slots = new Array(maxItems);
    this.head = 0; // index of the oldest entry
    this.length = 0;
    /** Sum of the declared sizes of the entries kept. */
    this.bytes = 0;
    /** How many entries were dropped to respect the bounds since the last clear. */
    this.dropped = 0;
    this.nextSeq = 1;
  }

  /**
   * Appends `value` (of `bytes` bytes), dropping the oldest entries beyond the bounds.
   * An entry larger than maxBytes on its own is still kept, alone.
   * @param {T} value
   * @param {number} [bytes=0]
   * @returns {number} the entry's sequence number
   */
  push(value, bytes = 0) {
    while (this.length > 0 && (this.length >= this.maxItems || this.bytes + bytes > this.maxBytes)) this.dropOldest();
    const seq = this.nextSeq++;
    this.slots[(this.head + this.length) % this.maxItems] = { seq, bytes, value };
    this.length++;
    this.bytes += bytes;
    return seq;
  }

  /** @private */
  dropOldest() {
    const slot = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.maxItems;
    this.length--;
    this.bytes -= slot?.bytes ?? 0;
    this.dropped++;
  }

  /**
   * The entry `index` places from the oldest (0) or undefined.
   * @param {number} index
   * @returns {Slot<T> | undefined}
   */
  at(index) {
    if (index < 0 || index >= this.length) return undefined;
    return this.slots[(this.head + index) % this.maxItems];
  }

  /** @returns {T[]} every value kept, oldest first */
  values() {
    const out = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = /** @type {Slot<T>} */ (this.at(i)).value;
    return out;
  }

  /**
   * Index (from the oldest) of the first entry whose seq is >= `seq`; length if none.
   * @param {number} seq
   * @returns {number}
   */
  indexOfSeq(seq) {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (/** @type {Slot<T>} */ (this.at(mid)).seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Forgets every entry (sequence numbers keep growing). */
  clear() {
    this.slots = new Array(this.maxItems);
    this.head = 0;
    this.length = 0;
    this.bytes = 0;
    this.dropped = 0;
  }
}
