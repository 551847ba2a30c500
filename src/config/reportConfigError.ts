/**
 * Runs `read` and returns its result; when it throws, prints the error with
 * `console.error` first, then rethrows it.
 *
 * @remarks
 * Backstage catches an exception thrown by an API factory and silently uses a
 * no-op analytics implementation instead: without this line a config error
 * (which names the key, e.g. `app.analytics.segment.region`) would leave a
 * team with zero events and no message at all.
 */
export function reportingConfigErrors<T>(read: () => T, log: Pick<Console, 'error'> = console): T {
  try {
    return read();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error(`Segment analytics is off: ${message}`);
    throw error;
  }
}
