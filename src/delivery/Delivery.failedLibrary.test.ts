import { clickCall, deliveryWithStore, memoryStorage, recordingTransport, storedCalls } from '../__testUtils__/deliveryTestKit';
import { Delivery } from './Delivery';
import { createStoredOwner, storedOwnerKey, UNIDENTIFIED } from './storedOwner';

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

  it('says events are being dropped as soon as more than the bound wait, not only when the page is left (the library may never load)', async () => {
    const storage = memoryStorage();
    const failed = deliveryWithStore(storage, { transport: Promise.reject(new Error('blocked')), userId: Promise.resolve('u'), maxWaiting: 3 });
    await advance(10);
    for (const subject of ['a', 'b', 'c']) failed.d.enqueue(clickCall(subject));
    await advance(10);
    expect(failed.log.warn.mock.calls.map(c => String(c[0])).filter(text => /dropped/.test(text))).toEqual([]);
    failed.d.enqueue(clickCall('d'));
    failed.d.enqueue(clickCall('e'));
    await advance(10);
    expect(failed.log.warn.mock.calls.map(c => String(c[0])).filter(text => /dropped/.test(text))).toEqual([
      'Segment analytics: events are being dropped (the oldest) while more than 3 waited for the Segment library (with `delivery: backend`, for the relay to know the user) or the user identity',
    ]);
    failed.life.leave();
    expect(failed.log.warn.mock.calls.map(c => String(c[0])).filter(text => /dropped/.test(text))).toHaveLength(2);
    expect(storedCalls(storage).map(s => s.call.properties.subject)).toEqual(['c', 'd', 'e']);
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

  it('switched off (the user\'s choice) while it loads, then the load fails: it stays off, no warning, nothing stored', async () => {
    const storage = memoryStorage();
    let fail: (error: Error) => void = () => {};
    const page = deliveryWithStore(storage, { transport: new Promise((_, reject) => (fail = reject)), userId: Promise.resolve('u') });
    page.d.enqueue(clickCall('a'));
    page.d.stop();
    fail(new Error('settings: 500'));
    await advance(10);
    page.d.enqueue(clickCall('b'));
    page.life.leave();
    expect(page.log.warn).not.toHaveBeenCalled();
    expect(storedCalls(storage)).toEqual([]);
  });

  it('the identity failing too: the page is recorded as someone unidentified, so the next user starts with a fresh anonymous id', async () => {
    const storage = memoryStorage();
    const page = deliveryWithStore(storage, {
      transport: Promise.reject(new Error('settings: 500')),
      userId: Promise.reject(new Error('identity: 503')),
      storedOwner: createStoredOwner(storage, 'wk', { identifiesUsers: true }),
    });
    page.d.enqueue(clickCall('a'));
    await advance(10);
    page.life.leave();
    expect(storage.data.get(storedOwnerKey('wk'))).toBe(UNIDENTIFIED);
  });
});
