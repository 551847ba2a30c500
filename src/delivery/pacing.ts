import { Scheduler } from './scheduler';

/** Longest run of handing calls over in one task, so the page stays responsive (a long task is 50 ms). */
export const SLICE_MS = 8;

/**
 * Most calls handed over that the library has not finished processing: a
 * burst handed to the library at once would open thousands of requests, more
 * than the browser takes (they fail, and wait for the library's back-off).
 */
export const MAX_IN_FLIGHT = 64;

/** A call the library has not answered for this long no longer counts as in flight. */
export const IN_FLIGHT_TIMEOUT_MS = 10_000;

/**
 * A slice of work started now: `over(count)` is true once `count` calls (at
 * least one) have taken {@link SLICE_MS} or more, on the monotonic clock
 * (checked after every call).
 */
export function startSlice(scheduler: Scheduler): { over(count: number): boolean } {
  const start = scheduler.now();
  return { over: count => count > 0 && scheduler.now() - start >= SLICE_MS };
}

/** See {@link createInFlight}. */
export type InFlight = {
  /** Calls handed over and not yet processed. */
  readonly count: number;
  /** Counts `attempt` until it settles, or for {@link IN_FLIGHT_TIMEOUT_MS} at most. */
  track(attempt: Promise<unknown>): void;
};

/**
 * The calls the library is still processing, so that a burst is handed over
 * only as fast as the library takes it; `onSettle` runs each time one is done.
 */
export function createInFlight(scheduler: Scheduler, onSettle: () => void): InFlight {
  let count = 0;
  return {
    get count() {
      return count;
    },
    track(attempt) {
      count++;
      let settled = false;
      let timer: unknown = undefined;
      const settle = () => {
        if (settled) return;
        settled = true;
        scheduler.clearTimeout(timer);
        count--;
        onSettle();
      };
      timer = scheduler.setTimeout(settle, IN_FLIGHT_TIMEOUT_MS);
      attempt.then(settle, settle);
    },
  };
}
