import { createDeadlineQueue } from '../time/deadlineQueue';
import { createHandOverPacer } from './handOverPacer';
import { Scheduler } from '../time/scheduler';

/** Longest run of handing calls over in one task, so the page stays responsive (a long task is 50 ms). */
const SLICE_MS = 8;

/**
 * Most calls handed over that the library has not finished processing: a
 * burst handed to the library at once would open thousands of requests, more
 * than the browser takes (they fail, and wait for the library's back-off).
 */
export const MAX_IN_FLIGHT = 64;

/** A call the library has not answered for this long no longer counts as in flight. */
const IN_FLIGHT_TIMEOUT_MS = 10_000;

/**
 * A slice of work started now: `over(count, now)` is true once `count` calls
 * (at least one) have taken {@link SLICE_MS} or more by `now`, the monotonic
 * clock read after the last one (the caller reads it once for all its uses).
 */
export function startSlice(scheduler: Scheduler): { over(count: number, now: number): boolean } {
  const start = scheduler.now();
  return { over: (count, now) => count > 0 && now - start >= SLICE_MS };
}

/** See {@link createInFlight}. */
export type InFlight = {
  /** Calls handed over and not yet processed. */
  readonly count: number;
  /** True when nothing more may be handed over until some calls settle (see {@link createHandOverPacer}). */
  full(): boolean;
  /** Counts `attempt` until it settles, or for {@link IN_FLIGHT_TIMEOUT_MS} at most. */
  track(attempt: Promise<unknown>): void;
};

/**
 * The calls the library is still processing, so that a burst is handed over
 * only as fast as the library takes it (at most `max` at once, refilled once
 * half have settled; with batching, one batch of `group` calls at a time);
 * `onSettle` runs when a settled call makes room. Give-ups run on one timer
 * for all calls in flight.
 */
export function createInFlight(scheduler: Scheduler, onSettle: () => void, { max, group }: { max: number; group?: number }): InFlight {
  let count = 0;
  const pacer = createHandOverPacer(max, group);
  const timeouts = createDeadlineQueue<() => void>(IN_FLIGHT_TIMEOUT_MS, giveUp => giveUp(), scheduler);
  return {
    get count() {
      return count;
    },
    full: () => pacer.full(count),
    track(attempt) {
      count++;
      pacer.handed();
      let settled = false;
      let cancel = () => {};
      const settle = () => {
        if (settled) return;
        settled = true;
        cancel();
        count--;
        // Nothing to hand over while still full: no task for it.
        if (!pacer.full(count)) onSettle();
      };
      cancel = timeouts.add(settle);
      attempt.then(settle, settle);
    },
  };
}
