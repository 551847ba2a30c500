/** Milliseconds that only move forward, from an arbitrary origin: for measuring waits, never for timestamps. */
export type MonotonicClock = () => number;

/**
 * A clock built from a wall clock that may step (NTP, suspend/resume, a
 * VM, a user changing the time): each step back is ignored, so time carries
 * on from where it was instead of standing still until the wall clock has
 * caught up. Only for where `performance.now` does not exist.
 */
export function steadyClockFrom(wallClock: () => number): MonotonicClock {
  let last = wallClock();
  let elapsed = 0;
  return () => {
    const wall = wallClock();
    if (wall > last) elapsed += wall - last;
    last = wall;
    return elapsed;
  };
}

/**
 * The browser's monotonic clock, `performance.now()`, which a change of
 * the system time does not move; a steadied `Date.now` where it is missing.
 *
 * @remarks
 * The page's `performance` object is read once: in Chromium reading that
 * global costs microseconds in a task's first use (a request answered is a
 * task: it was the module's largest single cost per event in
 * `bench/profile.mjs`). It is read again when `Date` is no longer the one
 * it was read with: the page's clocks were replaced (fake timers in an
 * app's tests replace both).
 */
export function monotonicClock(): MonotonicClock {
  if (typeof performance === 'undefined' || typeof performance.now !== 'function') return steadyClockFrom(() => Date.now());
  let clocks = { date: Date, performance };
  return () => {
    if (Date !== clocks.date) clocks = { date: Date, performance };
    return clocks.performance.now();
  };
}
