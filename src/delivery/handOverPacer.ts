/**
 * How many calls delivery may hand to the library before it waits for some
 * to settle.
 *
 * @remarks
 * Standard delivery: at most `maxInFlight` unsettled calls. With batching
 * (`group`: the batch size), also in groups of one batch: once a group has
 * been handed over, the next waits until every call handed so far has
 * settled. The library's batching dispatcher settles the call that fills a
 * batch only when that batch's request is over, and measures its whole
 * buffer (a JSON stringify) for each call it adds and each batch it builds:
 * handed over faster, its buffer outgrows the batch size while a request is
 * in flight, and that measuring grows with the square of the buffer. Paced
 * by groups, the buffer holds about one batch, each batch is the size asked
 * for, and the cost per event stays flat.
 */
export class HandOverPacer {
  private inGroup = 0;

  constructor(
    private readonly maxInFlight: number,
    private readonly group?: number,
  ) {}

  /** True when nothing more may be handed over while `inFlight` calls are unsettled. */
  full(inFlight: number): boolean {
    if (inFlight >= this.maxInFlight) return true;
    if (!this.group) return false;
    if (this.inGroup >= this.group && inFlight === 0) this.inGroup = 0;
    return this.inGroup >= this.group;
  }

  /** Counts one call handed over. */
  handed(): void {
    this.inGroup++;
  }
}
