// The real timer and clock, taken when this module loads (before a test installs jest's fake timers).
const realSetTimeout = globalThis.setTimeout;
const realNow = Date.now.bind(Date);

/** Options of {@link advanceUntil}. */
export type AdvanceUntilOptions = {
  /** Fake milliseconds per step; 100 by default. */
  stepMs?: number;
  /** Steps at least before giving up; 300 (30 fake seconds) by default. */
  maxSteps?: number;
  /** Real milliseconds at least before giving up; 30,000 by default (a machine busy with other suites is slow). */
  minRealMs?: number;
};

/** Fake time runs at most this many times as fast as real time (see {@link advanceUntil}). */
const SPEED_UP = 5;

/**
 * With jest's fake timers installed: runs fake time forward in steps until
 * `check` stops throwing, and after each step waits a fifth of it in real
 * time, so that real I/O (WebCrypto's digest, HTTP to the collector) keeps
 * pace with the module's time-outs (identity, consent) as it would in a
 * browser, also on a busy machine. A wait of seconds on the module's timers
 * (a page call waiting for its title) costs a fifth of it. `check` may be
 * async (a look at the collector). Rethrows `check`'s last failure once
 * `maxSteps` steps and `minRealMs` of real time have passed.
 */
export async function advanceUntil(
  check: () => void | Promise<void>,
  { stepMs = 100, maxSteps = 300, minRealMs = 30_000 }: AdvanceUntilOptions = {},
): Promise<void> {
  const start = realNow();
  for (let step = 0; ; step++) {
    try {
      await check();
      return;
    } catch (failure) {
      if (step >= maxSteps && realNow() - start >= minRealMs) throw failure;
    }
    await advancePaced(stepMs, stepMs);
  }
}

/**
 * With jest's fake timers installed: runs fake time `ms` forward in steps of
 * 100, waiting a fifth of each step in real time (as {@link advanceUntil}
 * does), so that real I/O started meanwhile (WebCrypto's digest of a
 * colleague's ref) answers before the module's time-outs for it run out, as
 * it would in a browser, also on a busy machine.
 */
export async function advancePaced(ms: number, stepMs = 100): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    await jest.advanceTimersByTimeAsync(Math.min(stepMs, ms - t));
    await new Promise(resolve => realSetTimeout(resolve, stepMs / SPEED_UP));
  }
}

/**
 * With jest's fake timers installed: moves the fake wall clock on by one
 * millisecond (timers and the monotonic clock stay put), so that calls
 * captured one after the other in a test carry distinct, increasing
 * timestamps, as they would in a browser.
 */
export function nextMillisecond(): void {
  jest.setSystemTime(Date.now() + 1);
}

/**
 * A scheduler on whatever timers are installed (jest's fake ones in these
 * tests), its clocks both on `Date.now`, which fake timers move.
 */
export const wallClockScheduler = {
  now: () => Date.now(),
  wallNow: () => Date.now(),
  setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const { setImmediate: realImmediate } = jest.requireActual<typeof import('timers')>('timers');

/**
 * Fake time, `ms` in `stepMs` steps (10 by default); between steps,
 * fake-indexeddb's tasks (on Node's real setImmediate) run. A long wait where
 * only hold times run out (a minute past every claim) may take longer steps:
 * what a timer asks of IndexedDB is then answered up to a step later.
 */
export async function advanceWithIndexedDb(ms: number, stepMs = 10): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    await new Promise(resolve => realImmediate(resolve));
    await jest.advanceTimersByTimeAsync(stepMs);
  }
}
