import type { LoggerService } from '@backstage/backend-plugin-api';

/** How often, at most, a spell of failed forwards is logged again. */
export const FAILURE_LOG_EVERY_MS = 60_000;

/** See {@link createFailureLog}. */
export type FailureLog = {
  /** A forward failed: `line` is logged now if the last line was long enough ago, else counted. */
  failed(level: 'warn' | 'error', line: string): void;
  /** A forward got through: a spell of failures is over (what was counted is told, once). */
  delivered(): void;
};

/**
 * Logs the relay's failed forwards without a line per request (in an outage
 * every browser retries every call): the first of a spell at once, then at
 * most one line every {@link FAILURE_LOG_EVERY_MS}, each saying how many
 * failed since the one before, and one line when Segment answers again.
 *
 * @param now - the clock (milliseconds), injected for tests
 */
export function createFailureLog(logger: LoggerService, now: () => number = Date.now): FailureLog {
  // Per level: an error (the relay's own config refused) is not hidden behind a spell of warnings.
  const spells = new Map<'warn' | 'error', { loggedAt: number; untold: number }>();
  const count = (untold: number) => `${untold} more failed ${untold === 1 ? 'request' : 'requests'} since the last line`;
  return {
    failed(level, line) {
      const time = now();
      const spell = spells.get(level);
      if (spell && time - spell.loggedAt < FAILURE_LOG_EVERY_MS) {
        spell.untold++;
        return;
      }
      logger[level](spell?.untold ? `${line} (${count(spell.untold)})` : line);
      spells.set(level, { loggedAt: time, untold: 0 });
    },
    delivered() {
      if (!spells.size) return;
      const untold = [...spells.values()].reduce((sum, spell) => sum + spell.untold, 0);
      logger.info(`Segment relay: Segment answers again${untold ? ` (${count(untold)})` : ''}`);
      spells.clear();
    },
  };
}
