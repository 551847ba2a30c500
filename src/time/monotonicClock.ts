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
 */
export function monotonicClock(): MonotonicClock {
  if (typeof performance !== 'undefined' && typeof performance.now === 'function') return () => performance.now();
  return steadyClockFrom(() => Date.now());
}
