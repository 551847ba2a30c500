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
 * Standard delivery: at most `maxInFlight` unsettled calls; once that many
 * are, the next ones only when half of them have settled, then up to the
 * limit again. With batching (`group`: the batch size), also in groups of
 * one batch: once a group has been handed over, the next waits until every
 * call handed so far has settled.
 *
 * @remarks
 * Handed over as each call settles, a backlog goes to the library one call
 * per task: each call's request then starts in a task of its own, between
 * the answers to the others, and costs the page more main-thread time than
 * the same requests started back to back (issue 19: a third more per
 * request, in native `fetch`, the library's pipeline and the engine's task
 * handling, measured against the public plugin's way of handing everything
 * over at once). Refilled by halves, the calls go over in groups, in fewer
 * tasks, and the bound still keeps a burst from opening thousands of
 * requests at once.
 *
 * With batching, the call that completes a batch settles only when that
 * batch's request is over (see `batchSender.ts`): paced by groups, the
 * batcher holds about one batch, each batch is the size asked for, and a
 * burst waits in the module's queue (kept for the next load if the page is
 * left) rather than in the batcher's memory.
 */
export function createHandOverPacer(maxInFlight: number, group?: number): HandOverPacer {
  const refillAt = Math.floor(maxInFlight / 2);
  let inGroup = 0;
  let refilling = false;
  return {
    full(inFlight) {
      if (group && inGroup >= group && inFlight === 0) inGroup = 0;
      if (inFlight >= maxInFlight) refilling = true;
      else if (inFlight <= refillAt) refilling = false;
      return refilling || (!!group && inGroup >= group);
    },
    handed() {
      inGroup++;
    },
  };
}
