import { clickCall, recordingTransport } from '../__testUtils__/deliveryTestKit';
import { Delivery } from './Delivery';

// Issue 19: no timer per call in flight, and with batching, calls handed
// over one batch at a time (jest's fake timers; no time is asserted).

const logger = () => ({ warn: jest.fn(), info: jest.fn() });
const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

/** A transport whose calls stay in flight until `settle(i)` (or, when `settleAtOnce(i)`, at once). */
function heldTransport(settleAtOnce: (index: number) => boolean = () => false) {
  const recorded = recordingTransport();
  const pending: Array<() => void> = [];
  const send = recorded.transport.send;
  recorded.transport.send = (c, o) => {
    send(c, o);
    const index = pending.length;
    return new Promise<void>(resolve => {
      pending.push(resolve);
      if (settleAtOnce(index)) resolve();
    });
  };
  const clicks = () => recorded.sent.filter(line => line.startsWith('click'));
  return { ...recorded, pending, clicks };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('Delivery pacing', () => {
  it('keeps 64 calls in flight on one pending timer, and still gives up on them after 10 s', async () => {
    const { transport, clicks } = heldTransport();
    const d = new Delivery({ transport: Promise.resolve(transport), identityTimeoutMs: 0, logger: logger(), maxInFlight: 64 });
    for (let i = 0; i < 100; i++) d.enqueue(clickCall(`${i}`));
    await advance(10);
    expect(clicks()).toHaveLength(64);
    expect(jest.getTimerCount()).toBeLessThanOrEqual(1);
    await advance(10_000); // never answered: no longer counted in flight, the rest goes out
    expect(clicks()).toHaveLength(100);
  });

  it('with batching, hands over one batch, and the next once every call of it has settled', async () => {
    // As the library's batching dispatcher does: calls that only join its buffer settle at once;
    // the call that fills a batch settles when the batch's request is over.
    const { transport, pending, clicks } = heldTransport(index => index % 3 !== 2);
    const d = new Delivery({ transport: Promise.resolve(transport), identityTimeoutMs: 0, logger: logger(), handOverGroup: 3 });
    for (let i = 0; i < 9; i++) d.enqueue(clickCall(`${i}`));
    await advance(50);
    expect(clicks()).toHaveLength(3);
    pending[2](); // the first batch's request is over
    await advance(50);
    expect(clicks()).toHaveLength(6);
    pending[5]();
    await advance(50);
    expect(clicks()).toHaveLength(9);
  });

  it('without batching, no grouping: up to maxInFlight at once', async () => {
    const { transport, clicks } = heldTransport(index => index % 3 !== 2);
    const d = new Delivery({ transport: Promise.resolve(transport), identityTimeoutMs: 0, logger: logger(), maxInFlight: 64 });
    for (let i = 0; i < 9; i++) d.enqueue(clickCall(`${i}`));
    await advance(50);
    expect(clicks()).toHaveLength(9);
  });
});
