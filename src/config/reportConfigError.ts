/** The config error last printed, per config object: Backstage may build an API many times from one config. */
const printed = new WeakMap<object, string>();

/**
 * Runs `read` and returns its result; when it throws, prints the error with
 * `console.error` first (not again for the same config object and message),
 * then rethrows it.
 *
 * @remarks
 * Backstage catches an exception thrown by an API factory and silently uses a
 * no-op analytics implementation instead: without this line a config error
 * (which names the key, e.g. `app.analytics.segment.region`) would leave a
 * team with zero events and no message at all. The legacy frontend system
 * calls a factory that threw again each time a component asks for the API,
 * so the same error is printed only once for the same config.
 *
 * @param config - the config `read` reads: what "the same config" means
 */
export function reportingConfigErrors<T>(config: object, read: () => T, log: Pick<Console, 'error'> = console): T {
  try {
    return read();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (printed.get(config) !== message) {
      printed.set(config, message);
      log.error(`Segment analytics is off: ${message}`);
    }
    throw error;
  }
}
