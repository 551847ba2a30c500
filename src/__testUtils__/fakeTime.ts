// The real timer, taken when this module loads (before a test installs jest's fake timers).
const realSetTimeout = globalThis.setTimeout;

/** Options of {@link advanceUntil}. */
export type AdvanceUntilOptions = {
  /** Fake milliseconds per step; 100 by default. */
  stepMs?: number;
  /** Steps before giving up; 300 (30 fake seconds) by default. */
  maxSteps?: number;
};

/** Fake time runs at most this many times as fast as real time (see {@link advanceUntil}). */
const SPEED_UP = 10;

/**
 * With jest's fake timers installed: runs fake time forward in steps until
 * `check` stops throwing, and after each step waits a tenth of it in real
 * time, so that real I/O (WebCrypto's digest, HTTP to the collector) keeps
 * pace with the module's time-outs (identity, consent) as it would in a
 * browser, also on a busy machine. A wait of seconds on the module's timers
 * (a page call waiting for its title) costs a tenth of it. `check` may be
 * async (a look at the collector). Rethrows `check`'s last failure after
 * `maxSteps`.
 */
export async function advanceUntil(
  check: () => void | Promise<void>,
  { stepMs = 100, maxSteps = 300 }: AdvanceUntilOptions = {},
): Promise<void> {
  for (let step = 0; ; step++) {
    try {
      await check();
      return;
    } catch (failure) {
      if (step >= maxSteps) throw failure;
    }
    await jest.advanceTimersByTimeAsync(stepMs);
    await new Promise(resolve => realSetTimeout(resolve, stepMs / SPEED_UP));
  }
}
