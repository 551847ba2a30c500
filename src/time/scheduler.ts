import { monotonicClock } from './monotonicClock';

/**
 * The clocks and timers delivery runs on; injected so tests use fake timers.
 * Every wait and time slice is measured on the monotonic `now` (and on
 * timers, which browsers run on a monotonic clock too); the wall clock only
 * gives the timestamps that are sent.
 */
export type Scheduler = {
  /** Monotonic milliseconds from an arbitrary origin (see {@link monotonicClock}). */
  now(): number;
  /** Wall-clock epoch milliseconds, for timestamps only. */
  wallNow(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

/** Timers alone, for a part that bounds a wait and reads no clock; injected so tests use fake timers. */
export type Timers = Pick<Scheduler, 'setTimeout' | 'clearTimeout'>;

/** The browser's clocks and timers. */
export const browserScheduler: Scheduler = {
  now: monotonicClock(),
  wallNow: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: handle => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
