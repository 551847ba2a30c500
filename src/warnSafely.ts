/**
 * Where the module's warnings and logs go (the console by default): the one
 * logger type of the module. `error` is optional; without it errors go to
 * `warn`.
 */
export type Logger = Pick<Console, 'warn' | 'info'> & Partial<Pick<Console, 'error'>>;

/** A {@link Logger} made safe by {@link safeLogger}: every method present, none throws. */
export type SafeLogger = Pick<Console, 'warn' | 'info' | 'error'>;

/**
 * A readable text for anything thrown or rejected, without ever throwing:
 * `String(error)` where that works (an Error, a string, a Symbol), else the
 * object's tag (an object without a prototype, a `toString` that throws).
 */
export function describeError(error: unknown): string {
  try {
    return String(error);
  } catch {
    // A value String() cannot convert, or whose conversion throws.
  }
  try {
    return Object.prototype.toString.call(error);
  } catch {
    return 'an error that cannot be described';
  }
}

/** Loggers already made safe: wrapping one again changes nothing. */
const safeLoggers = new WeakSet<object>();

/**
 * The one place where logging is made safe: a logger whose methods never
 * throw, whatever the console does (a console method replaced by one that
 * throws, missing, or a getter that throws). Every part of the module logs
 * through one of these.
 */
export function safeLogger(logger: Logger): SafeLogger {
  if (safeLoggers.has(logger)) return logger as SafeLogger;
  const call = (method: 'warn' | 'info' | 'error', data: unknown[]) => {
    try {
      const write = method === 'error' ? logger.error ?? logger.warn : logger[method];
      write.apply(logger, data);
    } catch {
      // Nothing left to tell: a broken console must not break analytics.
    }
  };
  const safe: SafeLogger = {
    warn: (...data: unknown[]) => call('warn', data),
    info: (...data: unknown[]) => call('info', data),
    error: (...data: unknown[]) => call('error', data),
  };
  safeLoggers.add(safe);
  return safe;
}

/**
 * Most actions (or other topics made from events) a kind of warning names;
 * past that, the same faults are still handled, silently, so that a plugin
 * firing faulty events in a loop cannot flood the console or grow memory.
 */
export const MAX_WARNED_ACTIONS = 50;

/**
 * A warning given at most once per `topic` (per instance): a fault that
 * repeats (every event failing the same way) is told once, not per event.
 * Past `maxTopics` topics (topics made from events' actions, say) nothing
 * more is told, so that memory stays bounded.
 */
export function createWarnOnce(logger: Logger, maxTopics = Infinity): (topic: string, message: string) => void {
  const safe = safeLogger(logger);
  const given = new Set<string>();
  return (topic, message) => {
    if (given.has(topic) || given.size >= maxTopics) return;
    given.add(topic);
    safe.warn(message);
  };
}
