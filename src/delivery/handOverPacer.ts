/**
 * How many calls delivery may hand to the library before it waits for some
 * to settle (see {@link createHandOverPacer}).
 */
export type HandOverPacer = {
  /** True when nothing more may be handed over while `inFlight` calls are unsettled. */
  full(inFlight: number): boolean;
  /** Counts one call handed over. */
  handed(): void;
};

/**
 * Standard delivery: at most `maxInFlight` unsettled calls. With batching
 * (`group`: the batch size), also in groups of one batch: once a group has
 * been handed over, the next waits until every call handed so far has
 * settled.
 *
 * @remarks
 * The library's batching dispatcher settles the call that fills a batch
 * only when that batch's request is over, and measures its whole buffer (a
 * JSON stringify) for each call it adds and each batch it builds: handed
 * over faster, its buffer outgrows the batch size while a request is in
 * flight, and that measuring grows with the square of the buffer. Paced by
 * groups, the buffer holds about one batch, each batch is the size asked
 * for, and the cost per event stays flat.
 */
export function createHandOverPacer(maxInFlight: number, group?: number): HandOverPacer {
  let inGroup = 0;
  return {
    full(inFlight) {
      if (group && inGroup >= group && inFlight === 0) inGroup = 0;
      return inFlight >= maxInFlight || (!!group && inGroup >= group);
    },
    handed() {
      inGroup++;
    },
  };
}
