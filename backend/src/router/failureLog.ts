import type { LoggerService } from '@backstage/backend-plugin-api';

/** How often, at most, one kind of failed forward is logged again (and Segment's recovery). */
export const FAILURE_LOG_EVERY_MS = 60_000;

/**
 * Kinds of failed forwards, each throttled on its own: the browser retries
 * (`retried`), the events are dropped for good (`refused`), or the relay's
 * own configuration is refused (`misconfigured`, an error).
 */
export type FailureKind = 'retried' | 'refused' | 'misconfigured';

/** See {@link createFailureLog}. */
export type FailureLog = {
  /** A forward failed: `line` is logged now unless a line of its kind was logged within the minute (then counted). */
  failed(kind: FailureKind, line: string): void;
  /** A forward got through (Segment was asked and accepted it). */
  delivered(): void;
};

/**
 * Logs the relay's failed forwards without a line per request (in an outage
 * every browser retries every call): per kind, the first at once, then at
 * most one line every {@link FAILURE_LOG_EVERY_MS}, each saying how many of
 * that kind failed since the one before; and, when a forward gets through
 * after failures, one info line, at most once a minute, with the failures not
 * yet told. A success does not restart the throttle (a Segment failing every
 * other request logs no more than one failing on all).
 *
 * @param now - the clock (milliseconds), injected for tests
 */
export function createFailureLog(logger: LoggerService, now: () => number = Date.now): FailureLog {
  const spells = new Map<FailureKind, { loggedAt: number; untold: number }>();
  let failedSinceRecoveryLine = false;
  let recoveryLineAt: number | undefined;
  const count = (untold: number) => `${untold} more failed ${untold === 1 ? 'request' : 'requests'} since the last line`;
  const recent = (time: number, at: number | undefined) => at !== undefined && time - at < FAILURE_LOG_EVERY_MS;
  return {
    failed(kind, line) {
      const time = now();
      failedSinceRecoveryLine = true;
      const spell = spells.get(kind);
      if (spell && recent(time, spell.loggedAt)) {
        spell.untold++;
        return;
      }
      logger[kind === 'misconfigured' ? 'error' : 'warn'](spell?.untold ? `${line} (${count(spell.untold)})` : line);
      spells.set(kind, { loggedAt: time, untold: 0 });
    },
    delivered() {
      const time = now();
      if (!failedSinceRecoveryLine || recent(time, recoveryLineAt)) return;
      let untold = 0;
      for (const spell of spells.values()) {
        untold += spell.untold;
        spell.untold = 0;
      }
      logger.info(`Segment relay: Segment answers again${untold ? ` (${count(untold)})` : ''}`);
      failedSinceRecoveryLine = false;
      recoveryLineAt = time;
    },
  };
}
