import { clickCall, deliveryWithStore, memoryStorage, recordingTransport, storedCalls } from '../__testUtils__/deliveryTestKit';
import { Delivery } from './Delivery';

const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('Delivery when the library cannot be loaded (its settings request failed: a 500, a proxy page)', () => {
  it("keeps the page's events, those before and after the failure, for the next load, which sends them once, for their user", async () => {
    const storage = memoryStorage();
    const failed = deliveryWithStore(storage, { transport: Promise.reject(new Error('settings: 500')), userId: Promise.resolve('u') });
    failed.d.enqueue(clickCall('before'));
    await advance(10);
    failed.d.enqueue(clickCall('after'));
    await advance(10_000);
    expect(failed.log.warn.mock.calls.map(c => c[0])).toEqual([
      'Segment analytics: the Segment library could not be loaded (blocked or offline?); events are kept for the next page load, where the browser can store them: Error: settings: 500',
    ]);
    failed.life.leave();
    expect(storedCalls(storage).map(s => [s.owner, s.call.properties.subject])).toEqual([
      ['u', 'before'],
      ['u', 'after'],
    ]);

    const next = recordingTransport();
    deliveryWithStore(storage, { transport: Promise.resolve(next.transport), userId: Promise.resolve('u') });
    await advance(10);
    expect(next.sent).toEqual(['identify u', 'click before as u', 'click after as u']);
    expect(storedCalls(storage)).toEqual([]);
  });

  it('without anywhere to keep them (nothing persisted), says how many were dropped', async () => {
    const log = { warn: jest.fn(), info: jest.fn() };
    const d = new Delivery({ transport: Promise.reject(new Error('blocked')), identityTimeoutMs: 0, logger: log });
    d.enqueue(clickCall('a'));
    d.enqueue(clickCall('b'));
    await advance(10);
    d.enqueue(clickCall('c'));
    await advance(10);
    expect(log.warn.mock.calls.map(c => c[0])).toEqual([
      'Segment analytics: the Segment library could not be loaded (blocked or offline?); analytics is off for this page (2 events not sent): Error: blocked',
    ]);
  });
});
