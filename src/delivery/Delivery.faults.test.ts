import { titleWaitMs } from '../mapping/pageHistory';
import { SegmentCall } from '../mapping/SegmentCall';
import { clickCall, recordingTransport } from '../__testUtils__/deliveryTestKit';
import { Delivery } from './Delivery';

const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);
const HOUR = 3_600_000;

/** A console whose every method throws, as a broken or hostile page's may. */
const throwingConsole = () => ({
  warn: jest.fn(() => {
    throw new Error('console is broken');
  }),
  info: jest.fn(() => {
    throw new Error('console is broken');
  }),
});

// Unhandled rejections: jest-circus fails the running test when one is
// reported (on the real process; the test's `process` is a sandboxed copy).
// Node reports them once the task's microtasks are done: each test ends with
// one turn of the real event loop (no waiting: a 0 ms timer), so that a
// rejection left unhandled fails the test that caused it.
beforeEach(() => jest.useFakeTimers());
afterEach(async () => {
  await advance(0);
  jest.useRealTimers();
  await new Promise(r => setTimeout(r, 0));
});

const hostileReasons: [string, () => unknown, RegExp][] = [
  ['a Symbol', () => Symbol('no identity'), /: Symbol\(no identity\)$/],
  ['an object without a prototype', () => Object.create(null), /: \[object Object\]$/],
  [
    'an object whose toString throws',
    () => ({
      toString() {
        throw new Error('toString');
      },
    }),
    /: \[object Object\]$/,
  ],
  [
    'a Proxy that throws on every trap',
    () =>
      new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
          getPrototypeOf() {
            throw new Error('trap');
          },
        },
      ),
    /: (\[object Object\]|an error that cannot be described)$/,
  ],
  ['undefined', () => undefined, /: undefined$/],
  ['an Error', () => new Error('no session'), /: Error: no session$/],
];

describe('Delivery when identity fails, whatever the failure looks like', () => {
  it.each(hostileReasons)(
    'the identity rejecting with %s: waiting events go out anonymous at once, one warning describing it',
    async (_label, reason, described) => {
      const { sent, transport } = recordingTransport();
      const log = { warn: jest.fn(), info: jest.fn() };
      const d = new Delivery({ transport: Promise.resolve(transport), userId: Promise.reject(reason()), identityTimeoutMs: 60_000, logger: log });
      d.enqueue(clickCall('a'));
      await advance(10);
      expect(sent).toEqual(['anonymous session', 'click a as anonymous']);
      expect(log.warn).toHaveBeenCalledTimes(1);
      expect(log.warn.mock.calls[0][0]).toMatch(/could not identify the user/);
      expect(log.warn.mock.calls[0][0]).toMatch(described);
    },
  );

  it.each(hostileReasons)('the same, %s, with a console that throws as the module warns', async (_label, reason) => {
    const { sent, transport } = recordingTransport();
    const log = throwingConsole();
    const d = new Delivery({ transport: Promise.resolve(transport), userId: Promise.reject(reason()), identityTimeoutMs: 60_000, logger: log });
    d.enqueue(clickCall('a'));
    await advance(10);
    d.enqueue(clickCall('b'));
    await advance(10);
    expect(sent).toEqual(['anonymous session', 'click a as anonymous', 'click b as anonymous']);
    expect(log.warn).toHaveBeenCalled();
  });

  it('a late identity with a console that throws: anonymous after the time-out, identified once it arrives', async () => {
    const { sent, transport } = recordingTransport();
    const d = new Delivery({
      transport: Promise.resolve(transport),
      userId: new Promise(r => setTimeout(() => r('u'), 500)),
      identityTimeoutMs: 100,
      logger: throwingConsole(),
    });
    d.enqueue(clickCall('early'));
    await advance(150);
    expect(sent).toEqual(['anonymous session', 'click early as anonymous']);
    await advance(400);
    d.enqueue(clickCall('late'));
    await advance(10);
    expect(sent.slice(2)).toEqual(['identify u', 'click late as u']);
  });

  it.each(hostileReasons)('the library failing to load with %s: one warning, no unhandled rejection', async (_label, reason, described) => {
    const log = { warn: jest.fn(), info: jest.fn() };
    const d = new Delivery({ transport: Promise.reject(reason()), identityTimeoutMs: 0, logger: log });
    d.enqueue(clickCall('a'));
    await advance(10);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0][0]).toMatch(described);
  });

  it("the library failing to load on the browser's storage says so, not 'blocked or offline'", async () => {
    const log = { warn: jest.fn(), info: jest.fn() };
    const d = new Delivery({ transport: Promise.reject(new DOMException('quota', 'QuotaExceededError')), identityTimeoutMs: 0, logger: log });
    d.enqueue(clickCall('a'));
    await advance(10);
    expect(log.warn.mock.calls.map(c => c[0])).toEqual([
      "Segment analytics: the Segment library failed on the browser's storage; analytics is off for this page (1 event not sent): QuotaExceededError: quota",
    ]);
  });

  it('a transport whose calls throw values of any shape: the others still go out', async () => {
    const { sent, transport } = recordingTransport();
    const send = transport.send;
    transport.send = (c, o) => {
      if (c.properties.subject === 'bad') throw Object.create(null);
      return send(c, o);
    };
    const d = new Delivery({ transport: Promise.resolve(transport), identityTimeoutMs: 0, logger: throwingConsole() });
    for (const subject of ['a', 'bad', 'b']) d.enqueue(clickCall(subject));
    await advance(10);
    expect(sent).toEqual(['anonymous session', 'click a as anonymous', 'click b as anonymous']);
  });
});

describe('Delivery when the system clock steps', () => {
  const nav = (url: string, title: string): SegmentCall => ({
    type: 'page',
    properties: { subject: url, action: 'navigate' },
    page: { url, path: '/', search: '', title, referrer: '' },
    timestamp: new Date(),
  });

  it.each([
    ['back an hour', -HOUR],
    ['forward a day', 24 * HOUR],
  ])(
    'a page call waiting for its title is held for the title wait (1 s here), not for the clock step (%s)',
    async (_label, step) => {
      const doc = { href: 'http://x/a', title: 'Old' };
      const { sent, transport } = recordingTransport();
      const d = new Delivery({
        transport: Promise.resolve(transport),
        identityTimeoutMs: 0,
        logger: { warn: jest.fn(), info: jest.fn() },
        holdMs: (c, clock) => titleWaitMs(c, doc, clock, 1000),
      });
      await advance(1);
      d.enqueue(nav('http://x/a', 'Old'));
      d.enqueue(clickCall('behind'));
      await advance(100);
      jest.setSystemTime(Date.now() + step); // the wall clock steps; timers and performance.now do not
      await advance(600);
      expect(sent).toEqual(['anonymous session']);
      await advance(400);
      expect(sent).toEqual(['anonymous session', 'page http://x/a as anonymous', 'click behind as anonymous']);
    },
  );

  it('the identity time-out runs its course when the clock steps back, and the capture time is kept', async () => {
    const { sent, transport } = recordingTransport();
    const timestamps: Date[] = [];
    const send = transport.send;
    transport.send = (c, o) => {
      timestamps.push(c.timestamp);
      return send(c, o);
    };
    const d = new Delivery({ transport: Promise.resolve(transport), userId: new Promise(() => {}), identityTimeoutMs: 1000, logger: { warn: jest.fn(), info: jest.fn() } });
    const captured = clickCall('waiting');
    d.enqueue(captured);
    await advance(200);
    jest.setSystemTime(Date.now() - HOUR);
    await advance(799);
    expect(sent).toEqual([]);
    await advance(2);
    expect(sent).toEqual(['anonymous session', 'click waiting as anonymous']);
    expect(timestamps).toEqual([captured.timestamp]);
  });
});
