import type { LoggerService } from '@backstage/backend-plugin-api';
import { createFailureLog, FAILURE_LOG_EVERY_MS } from './failureLog';

function recorder() {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
  };
  const logger = { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), child: () => logger } as LoggerService;
  return { lines, logger };
}

describe('createFailureLog', () => {
  it('logs the first failure of a spell at once, then at most a line a minute with the count, and once when Segment answers again', () => {
    const { lines, logger } = recorder();
    let time = 0;
    const log = createFailureLog(logger, () => time);
    log.failed('warn', 'Segment relay: Segment answered 500');
    for (let i = 0; i < 599; i++) {
      time += 50;
      log.failed('warn', 'Segment relay: Segment answered 500');
    }
    expect(lines).toEqual(['warn Segment relay: Segment answered 500']);
    // An error is not hidden behind a spell of warnings.
    log.failed('error', 'Segment relay: Segment answered 401');
    log.failed('error', 'Segment relay: Segment answered 401');
    expect(lines.at(-1)).toBe('error Segment relay: Segment answered 401');
    time = FAILURE_LOG_EVERY_MS;
    log.failed('warn', 'Segment relay: Segment answered 500');
    expect(lines.at(-1)).toBe('warn Segment relay: Segment answered 500 (599 more failed requests since the last line)');
    time += 10;
    log.failed('warn', 'Segment relay: Segment answered 500');
    log.delivered();
    log.delivered();
    expect(lines.slice(3)).toEqual(['info Segment relay: Segment answers again (2 more failed requests since the last line)']);
    // The next spell starts with a line of its own, at once.
    time += 10;
    log.failed('warn', 'Segment relay: Segment answered 503');
    expect(lines.at(-1)).toBe('warn Segment relay: Segment answered 503');
  });

  it('logs nothing while forwards get through', () => {
    const { lines, logger } = recorder();
    const log = createFailureLog(logger, () => 0);
    for (let i = 0; i < 10; i++) log.delivered();
    expect(lines).toEqual([]);
  });
});
