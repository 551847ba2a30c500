import { createFailureLog, FAILURE_LOG_EVERY_MS } from './failureLog';
import { lineRecorder } from '../__testUtils__/lineRecorder';

const recorder = lineRecorder;

const ANSWERED_500 = 'Segment relay: Segment answered 500';

describe('createFailureLog', () => {
  it('logs the first failure of a kind at once, then at most a line a minute with the count', () => {
    const { lines, logger } = recorder();
    let time = 0;
    const log = createFailureLog(logger, () => time);
    log.failed('retried', ANSWERED_500);
    for (let i = 0; i < 599; i++) {
      time += 50;
      log.failed('retried', ANSWERED_500);
    }
    expect(lines).toEqual([`warn ${ANSWERED_500}`]);
    time = FAILURE_LOG_EVERY_MS;
    log.failed('retried', ANSWERED_500);
    expect(lines).toEqual([`warn ${ANSWERED_500}`, `warn ${ANSWERED_500} (599 more failed requests since the last line)`]);
  });

  it('throttles each kind on its own: an error, or events dropped for good, are not hidden behind a spell of retried failures', () => {
    const { lines, logger } = recorder();
    const log = createFailureLog(logger, () => 0);
    log.failed('retried', ANSWERED_500);
    log.failed('refused', 'Segment relay: Segment answered 400');
    log.failed('misconfigured', 'Segment relay: Segment answered 401');
    log.failed('misconfigured', 'Segment relay: Segment answered 401');
    log.failed('retried', ANSWERED_500);
    expect(lines).toEqual([`warn ${ANSWERED_500}`, 'warn Segment relay: Segment answered 400', 'error Segment relay: Segment answered 401']);
  });

  it('says once when Segment answers again, at most once a minute; a Segment failing every other request logs no more than one failing on all', () => {
    const { lines, logger } = recorder();
    let time = 0;
    const log = createFailureLog(logger, () => time);
    for (let i = 0; i < 20; i++) {
      time += 1000;
      if (i % 2) log.failed('retried', 'Segment relay: Segment answered 429');
      else log.delivered();
    }
    expect(lines).toEqual(['warn Segment relay: Segment answered 429', 'info Segment relay: Segment answers again']);
    time += FAILURE_LOG_EVERY_MS;
    log.failed('retried', 'Segment relay: Segment answered 429');
    log.delivered();
    expect(lines.slice(2)).toEqual([
      'warn Segment relay: Segment answered 429 (9 more failed requests since the last line)',
      'info Segment relay: Segment answers again',
    ]);
    time += FAILURE_LOG_EVERY_MS;
    log.failed('retried', 'Segment relay: Segment answered 429');
    log.failed('retried', 'Segment relay: Segment answered 429');
    time += FAILURE_LOG_EVERY_MS;
    log.delivered();
    expect(lines.slice(4)).toEqual(['warn Segment relay: Segment answered 429', 'info Segment relay: Segment answers again (1 more failed request since the last line)']);
    // Healthy since: nothing more; the failures counted in that line are not counted again.
    time += FAILURE_LOG_EVERY_MS;
    log.delivered();
    time += FAILURE_LOG_EVERY_MS;
    log.failed('retried', 'Segment relay: Segment answered 429');
    expect(lines.slice(6)).toEqual(['warn Segment relay: Segment answered 429']);
  });

  it('logs nothing while forwards get through', () => {
    const { lines, logger } = recorder();
    const log = createFailureLog(logger, () => 0);
    for (let i = 0; i < 10; i++) log.delivered();
    expect(lines).toEqual([]);
  });
});
