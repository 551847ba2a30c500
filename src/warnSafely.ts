/** Where warnings go (the console by default). */
type Logger = Pick<Console, 'warn'>;

/** `String(error)`, or a neutral text when even that throws (a hostile error object). */
export function describeError(error: unknown): string {
  try {
    return String(error);
  } catch {
    return 'an error that cannot be described';
  }
}

/** Logs `message: error` as a warning; never throws, whatever `error` is. */
export function warnSafely(logger: Logger, message: string, error: unknown): void {
  try {
    logger.warn(`${message}: ${describeError(error)}`);
  } catch {
    // Nothing left to tell.
  }
}
