import { SegmentCall } from '../mapping/SegmentCall';
import { Delivery } from './Delivery';
import { Transport } from './Transport';

type Sent = string;

function recordingTransport() {
  const sent: Sent[] = [];
  const transport: Transport = {
    async identify(userId) {
      sent.push(`identify ${userId}`);
    },
    send(call, userId) {
      sent.push(`${call.type === 'page' ? 'page' : call.event} ${call.properties.subject} as ${userId ?? 'anonymous'}`);
    },
  };
  return { sent, transport };
}

const page = { url: 'http://x/', path: '/', search: '', title: 't', referrer: '' };
const call = (subject: string): SegmentCall => ({
  type: 'track',
  event: 'click',
  properties: { subject, action: 'click' },
  page,
  timestamp: new Date(),
});
const later = <T>(ms: number, value: T) => new Promise<T>(r => setTimeout(() => r(value), ms));
// Delivery flushes after the next frame, or within 100 ms where frames do not run.
const tick = (ms = 200) => new Promise(r => setTimeout(r, ms));
const logger = () => ({ warn: jest.fn(), info: jest.fn() });

describe('Delivery', () => {
  it('sends identify first, then every waiting call in capture order', async () => {
    const { sent, transport } = recordingTransport();
    const d = new Delivery({ transport: later(30, transport), userId: later(60, 'u1'), identityTimeoutMs: 1000, logger: logger() });
    d.enqueue(call('a'));
    d.enqueue(call('b'));
    await tick(300);
    d.enqueue(call('c'));
    await tick();
    expect(sent).toEqual(['identify u1', 'click a as u1', 'click b as u1', 'click c as u1']);
  });

  it('sends anonymously after the identity time-out, warns once, then identifies when the identity arrives', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({ transport: Promise.resolve(transport), userId: later(250, 'u2'), identityTimeoutMs: 50, logger: log });
    d.enqueue(call('early'));
    await tick(80);
    d.enqueue(call('middle'));
    await tick(300);
    d.enqueue(call('after'));
    await tick();
    expect(sent).toEqual(['click early as anonymous', 'click middle as anonymous', 'identify u2', 'click after as u2']);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('counts the identity time-out from the first waiting call, not from construction', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({ transport: Promise.resolve(transport), userId: later(300, 'u3'), identityTimeoutMs: 600, logger: log });
    await tick(250); // the app is up, the user has not signed in yet; no event so far
    d.enqueue(call('first'));
    await tick(400);
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
    await tick();
    expect(sent).toEqual(['click a as anonymous']);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('bounds memory while the transport is loading, dropping the oldest with one warning', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({ transport: later(30, transport), identityTimeoutMs: 0, logger: log, maxQueued: 3 });
    for (const s of ['1', '2', '3', '4', '5']) d.enqueue(call(s));
    await tick();
    expect(sent).toEqual(['click 3 as anonymous', 'click 4 as anonymous', 'click 5 as anonymous']);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('keeps nothing once the transport has failed to load, and warns once', async () => {
    const log = logger();
    const d = new Delivery({ transport: Promise.reject(new Error('blocked')), identityTimeoutMs: 0, logger: log });
    d.enqueue(call('a'));
    await tick();
    for (let i = 0; i < 100; i++) d.enqueue(call(`${i}`));
    expect((d as any).queue).toHaveLength(0);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('hands a long queue to the transport in slices, letting the page run in between', async () => {
    const { sent, transport } = recordingTransport();
    const send = transport.send;
    transport.send = (c, userId) => {
      if (sent.length === 0) setTimeout(() => sent.push('page got a turn'), 0);
      send(c, userId);
    };
    const d = new Delivery({ transport: later(30, transport), identityTimeoutMs: 0, logger: logger() });
    for (let i = 0; i < 50; i++) d.enqueue(call(`${i}`));
    await tick(300);
    expect(sent.filter(x => x.startsWith('click'))).toHaveLength(50);
    const turn = sent.indexOf('page got a turn');
    expect(turn).toBeGreaterThan(0);
    expect(turn).toBeLessThan(50);
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
    await tick();
    expect(sent).toEqual(['click before as anonymous', 'click after as anonymous']);
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining("'click' event"));
  });
});
