/**
 * A clock read once per run of code: its first reading holds until the
 * page's next microtask, so that a burst of work in one task reads it once.
 * For times that need no finer grain than one task's length (deadlines of
 * seconds, when a call was captured).
 */
export function runClock(now: () => number): () => number {
  let read: number | undefined;
  return () => {
    if (read === undefined) {
      read = now();
      void Promise.resolve().then(() => {
        read = undefined;
      });
    }
    return read;
  };
}
