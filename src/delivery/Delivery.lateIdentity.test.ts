import { Delivery } from './Delivery';
import { clickCall, drivenLifecycle, recordingTransport } from '../__testUtils__/deliveryTestKit';

// An identity later than its time-out, which may still come: calls captured after the time-out wait again
// (at most the time-out), as the anonymous session's, or the user's should it come meanwhile.

const never = <T>() => new Promise<T>(() => {});
const later = <T>(ms: number, value: T) => new Promise<T>(resolve => setTimeout(() => resolve(value), ms));
const logger = () => ({ warn: jest.fn(), info: jest.fn() });
const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('Delivery, an identity later than its time-out', () => {
  it('a call captured just before the id comes is the user\'s; one whose wait passes goes anonymous', async () => {
    const { sent, transport } = recordingTransport();
    const d = new Delivery({ transport: Promise.resolve(transport), userId: later(3000, 'u'), identityTimeoutMs: 1000, logger: logger() });
    d.enqueue(clickCall('a'));
    await advance(1100);
    d.enqueue(clickCall('b'));
    await advance(1100);
    d.enqueue(clickCall('c'));
    await advance(3000);
    expect(sent).toEqual(['anonymous session', 'click a as anonymous', 'click b as anonymous', 'identify u', 'click c as u']);
  });

  it('a burst captured after the time-out: nothing dropped for room (the session has started)', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({ transport: Promise.resolve(transport), userId: never<string>(), identityTimeoutMs: 1000, logger: log });
    d.enqueue(clickCall('first'));
    await advance(1100);
    for (let i = 0; i < 6000; i++) d.enqueue(clickCall(`b${i}`));
    await advance(3000);
    expect(sent.filter(s => s.startsWith('click b'))).toHaveLength(6000);
    expect(log.warn).toHaveBeenCalledTimes(1); // the time-out's only
  });

  it('the page left while a call waits again: it is handed over at once, anonymous (nothing to keep it with)', async () => {
    const { sent, transport } = recordingTransport();
    const life = drivenLifecycle();
    const d = new Delivery({ transport: Promise.resolve(transport), userId: never<string>(), identityTimeoutMs: 1000, logger: logger(), onPageLeave: life.onPageLeave });
    d.enqueue(clickCall('a'));
    await advance(1100);
    d.enqueue(clickCall('b'));
    await advance(10);
    life.leave();
    expect(sent).toEqual(['anonymous session', 'click a as anonymous', 'click b as anonymous']);
  });
});
