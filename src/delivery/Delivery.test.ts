import { SegmentCall } from '../mapping/SegmentCall';
import { Delivery } from './Delivery';
import { costlyScheduler, countPerTask, recordingTransport, clickCall } from '../__testUtils__/deliveryTestKit';

const call = clickCall;
const later = <T>(ms: number, value: T) => new Promise<T>(r => setTimeout(() => r(value), ms));
const logger = () => ({ warn: jest.fn(), info: jest.fn() });
const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('Delivery', () => {
  it('starts the session (identify) first, then every waiting call in capture order', async () => {
    const { sent, transport } = recordingTransport();
    const d = new Delivery({ transport: later(30, transport), userId: later(60, 'u1'), identityTimeoutMs: 1000, logger: logger() });
    d.enqueue(call('a'));
    d.enqueue(call('b'));
    await advance(300);
    d.enqueue(call('c'));
    await advance(10);
    expect(sent).toEqual(['identify u1', 'click a as u1', 'click b as u1', 'click c as u1']);
  });

  it("a late identity: identify is stamped with the first waiting call's capture time, so that Segment orders it first", async () => {
    const stamps: Array<[string, number]> = [];
    const transport = {
      startSession: (userId: string | undefined, at: Date) => void stamps.push([`identify ${userId}`, at.getTime()]),
      send: (c: SegmentCall) => void stamps.push([String(c.properties.subject), c.timestamp.getTime()]),
    };
    const d = new Delivery({ transport: Promise.resolve(transport), userId: later(400, 'u1'), identityTimeoutMs: 1000, logger: logger() });
    const first = call('first');
    d.enqueue(first);
    await advance(200);
    d.enqueue(call('second'));
    await advance(300);
    expect(stamps.map(([what]) => what)).toEqual(['identify u1', 'first', 'second']);
    expect(stamps[0][1]).toBe(first.timestamp.getTime());
    expect(stamps[2][1]).toBeGreaterThan(stamps[0][1]);
  });

  it('sends anonymously after the identity time-out, warns once, then identifies when the identity arrives', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({ transport: Promise.resolve(transport), userId: later(250, 'u2'), identityTimeoutMs: 50, logger: log });
    d.enqueue(call('early'));
    await advance(80);
    d.enqueue(call('middle'));
    await advance(300);
    d.enqueue(call('after'));
    await advance(10);
    expect(sent).toEqual([
      'anonymous session',
      'click early as anonymous',
      'click middle as anonymous',
      'identify u2',
      'click after as u2',
    ]);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('counts the identity time-out from the first waiting call, not from construction', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({ transport: Promise.resolve(transport), userId: later(300, 'u3'), identityTimeoutMs: 600, logger: log });
    await advance(250); // the app is up, the user has not signed in yet; no event so far
    d.enqueue(call('first'));
    await advance(400);
    expect(sent).toEqual(['identify u3', 'click first as u3']);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('sends anonymously with one warning when identity fails', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({
      transport: Promise.resolve(transport),
      userId: Promise.reject(new Error('no session')),
      identityTimeoutMs: 1000,
      logger: log,
    });
    d.enqueue(call('a'));
    await advance(10);
    expect(sent).toEqual(['anonymous session', 'click a as anonymous']);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('bounds memory only while waiting, dropping the oldest: one warning as the first is dropped, one naming how many', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({ transport: later(30, transport), identityTimeoutMs: 0, logger: log, maxWaiting: 3 });
    for (const s of ['1', '2', '3', '4', '5']) d.enqueue(call(s));
    expect(log.warn.mock.calls.map(c => c[0])).toEqual([expect.stringMatching(/events are being dropped \(the oldest\)/)]);
    await advance(100);
    expect(sent).toEqual(['anonymous session', 'click 3 as anonymous', 'click 4 as anonymous', 'click 5 as anonymous']);
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.warn.mock.calls[1][0]).toMatch(/\b2 events were dropped/);
  });

  it('drops nothing once ready: 10,000 calls in one task all go out, in order, a few ms of work per task', async () => {
    const { sent, transport } = recordingTransport();
    const clock = costlyScheduler();
    const d = new Delivery({
      transport: Promise.resolve(transport),
      userId: Promise.resolve('u'),
      identityTimeoutMs: 100,
      logger: logger(),
      scheduler: clock.scheduler,
    });
    d.enqueue(call('warm-up'));
    await advance(10);
    const perTask = countPerTask(transport, () => clock.spend(1)); // each call costs the library 1 ms
    for (let i = 0; i < 10_000; i++) d.enqueue(call(`${i}`));
    await advance(60_000);
    const clicks = sent.filter(x => x.startsWith('click') && x !== 'click warm-up as u');
    expect(clicks).toHaveLength(10_000);
    expect(clicks[0]).toBe('click 0 as u');
    expect(clicks[9999]).toBe('click 9999 as u');
    // The 8 ms slice is measured after every call.
    expect(Math.max(...perTask)).toBeLessThanOrEqual(8);
  });

  it('keeps at most maxInFlight calls in the library at once; once full, the next ones when half have settled', async () => {
    const { sent, transport } = recordingTransport();
    const pending: (() => void)[] = [];
    const send = transport.send;
    transport.send = (c, o) => {
      send(c, o);
      return new Promise<void>(r => pending.push(r));
    };
    const d = new Delivery({ transport: Promise.resolve(transport), identityTimeoutMs: 0, logger: logger(), maxInFlight: 4 });
    for (let i = 0; i < 8; i++) d.enqueue(call(`${i}`));
    await advance(10);
    expect(sent).toEqual(['anonymous session', 'click 0 as anonymous', 'click 1 as anonymous', 'click 2 as anonymous', 'click 3 as anonymous']);
    pending[0]();
    await advance(10);
    expect(sent).toHaveLength(5);
    pending[1]();
    await advance(10);
    expect(sent.slice(5)).toEqual(['click 4 as anonymous', 'click 5 as anonymous']);
    await advance(10_000); // an attempt the library never answers stops counting after 10 s
    expect(sent).toHaveLength(9);
  });

  it('without a store, a transport that failed to load turns analytics off for the page: one warning counting the calls lost', async () => {
    const log = logger();
    const d = new Delivery({ transport: Promise.reject(new Error('blocked')), identityTimeoutMs: 0, logger: log });
    d.enqueue(call('a'));
    d.enqueue(call('b'));
    await advance(10);
    for (let i = 0; i < 100; i++) d.enqueue(call(`${i}`)); // dropped: no second warning, nothing kept
    await advance(20_000);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0][0]).toMatch(/could not be loaded .*analytics is off for this page \(2 events not sent\): .*blocked/);
  });

  it('drops a call over the size limit with a warning naming its action, and sends the others', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({ transport: Promise.resolve(transport), identityTimeoutMs: 0, logger: log });
    const huge = call('huge');
    huge.properties.attributes = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 'v'.repeat(10)]));
    d.enqueue(call('before'));
    d.enqueue(huge);
    d.enqueue(call('after'));
    await advance(10);
    expect(sent).toEqual(['anonymous session', 'click before as anonymous', 'click after as anonymous']);
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining("'click' event"));
  });

  it('warns once per action about calls dropped for their size, naming the 28 KB it keeps to', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({ transport: Promise.resolve(transport), identityTimeoutMs: 0, logger: log });
    // Short strings only, 29 KB in all: nothing to cut, and over what the module keeps to (the library adds its context).
    const oversized = (action: string, subject: string): SegmentCall => {
      const c = call(subject);
      c.properties = { ...c.properties, action, attributes: Object.fromEntries(Array.from({ length: 1450 }, (_, i) => [`k${i}`, 'v'.repeat(10)])) };
      return c;
    };
    for (const subject of ['1', '2', '3']) d.enqueue(oversized('click', subject));
    d.enqueue(oversized('x'.repeat(5000), '4'));
    d.enqueue(call('small'));
    await advance(10);
    expect(sent).toEqual(['anonymous session', 'click small as anonymous']);
    const warned = log.warn.mock.calls.map(args => String(args[0]));
    expect(warned).toEqual([
      "Segment analytics: dropped a 'click' event too large to send: over 28 KB once its long strings were cut " +
        '(Segment refuses messages over 32 KB); later ones are not reported',
      expect.stringMatching(/^Segment analytics: dropped a 'x{100}' event too large to send/),
    ]);
  });
});
