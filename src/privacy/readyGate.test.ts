import { createReadyGate, MAX_HELD } from './readyGate';
import { deferred } from '../__testUtils__/deferred';

const log = () => ({ warn: jest.fn(), info: jest.fn(), error: jest.fn() });
/** Lets every promise callback queued so far run (no timer, no real time). */
async function settle() {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('createReadyGate', () => {
  it('holds items in order until ready, completing each held one; then hands items on at once', async () => {
    const ready = deferred();
    const seen: string[] = [];
    const push = createReadyGate<string>(ready.promise, item => seen.push(item), log(), item => `${item} (held)`);
    push('a');
    push('b');
    expect(seen).toEqual([]);
    ready.resolve();
    await settle();
    expect(seen).toEqual(['a (held)', 'b (held)']);
    push('c');
    expect(seen).toEqual(['a (held)', 'b (held)', 'c']);
  });

  it('one held item whose handling throws does not hold back the others', async () => {
    const seen: string[] = [];
    const push = createReadyGate<string>(Promise.resolve(), item => {
      if (item === 'bad') throw new Error('bad');
      seen.push(item);
    }, log());
    push('a');
    push('bad');
    push('b');
    await settle();
    expect(seen).toEqual(['a', 'b']);
  });

  it(`holds at most ${MAX_HELD} items: beyond, the oldest are dropped, and one warning says how many`, async () => {
    const ready = deferred();
    const seen: number[] = [];
    const gateLog = log();
    const push = createReadyGate<number>(ready.promise, item => seen.push(item), gateLog);
    for (let i = 0; i < MAX_HELD + 3; i++) push(i);
    expect(gateLog.warn).not.toHaveBeenCalled();
    ready.resolve();
    await settle();
    push(-1);
    expect(seen).toHaveLength(MAX_HELD + 1);
    expect(seen.slice(0, 2)).toEqual([3, 4]);
    expect(seen.slice(-2)).toEqual([MAX_HELD + 2, -1]);
    expect(gateLog.warn).toHaveBeenCalledTimes(1);
    expect(gateLog.warn).toHaveBeenCalledWith(
      `Segment analytics: 3 events were dropped (the oldest) while more than ${MAX_HELD} waited for the regular expression engine`,
    );
  });

  it('when ready rejects: closed for good, nothing handed on, one error with its message', async () => {
    const ready = deferred();
    const seen: string[] = [];
    const gateLog = log();
    const push = createReadyGate<string>(ready.promise, item => seen.push(item), gateLog);
    push('a');
    ready.reject(new Error('Invalid config app.analytics.segment.redact.patterns[1]: expected ...'));
    await settle();
    push('b');
    await settle();
    expect(seen).toEqual([]);
    expect(gateLog.error).toHaveBeenCalledTimes(1);
    expect(gateLog.error).toHaveBeenCalledWith(
      'Segment analytics is off: Invalid config app.analytics.segment.redact.patterns[1]: expected ...',
    );
  });

  it('a throwing console does not stop the gate', async () => {
    const seen: string[] = [];
    const throwing = { warn: () => { throw new Error('console'); }, info: () => { throw new Error('console'); }, error: () => { throw new Error('console'); } };
    const ready = deferred();
    const push = createReadyGate<string>(ready.promise, item => seen.push(item), throwing);
    for (let i = 0; i <= MAX_HELD; i++) push('x');
    ready.resolve();
    await settle();
    expect(seen).toHaveLength(MAX_HELD);
  });
});
