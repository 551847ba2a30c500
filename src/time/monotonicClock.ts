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
 * `bench/profile.mjs`), where reading `Date` or `setTimeout` costs
 * nanoseconds. It is read again when either of those is no longer the one
 * it was read with: the page's clocks were replaced (fake timers in an
 * app's tests replace the timers, and `performance` or `Date` or both).
 */
export function monotonicClock(): MonotonicClock {
  if (typeof performance === 'undefined' || typeof performance.now !== 'function') return steadyClockFrom(() => Date.now());
  const current = () => ({ date: Date, timers: setTimeout, performance });
  let clocks = current();
  return () => {
    if (Date !== clocks.date || setTimeout !== clocks.timers) clocks = current();
    return clocks.performance.now();
  };
}
