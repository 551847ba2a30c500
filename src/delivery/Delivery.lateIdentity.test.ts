import { Delivery } from './Delivery';
import { clickCall, deliveryWithStore, drivenLifecycle, memoryStorage, recordingTransport, storedCalls } from '../__testUtils__/deliveryTestKit';
import type { Transport } from './Transport';
import { deferred } from '../__testUtils__/deferred';

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

  it('a tab switch while a call waits again: with a store it keeps waiting (stored meanwhile), and is the user\'s when the id comes', async () => {
    const { sent, transport } = recordingTransport();
    const storage = memoryStorage();
    const id = deferred<string>();
    const { d, life } = deliveryWithStore(storage, { transport: Promise.resolve(transport), userId: id.promise, identityTimeoutMs: 1000 });
    d.enqueue(clickCall('sign-in page'));
    await advance(1100);
    d.enqueue(clickCall('signIn'));
    await advance(50);
    life.leave({ final: false }); // hidden: the page stays
    expect(storedCalls(storage).map(call => call.call.properties.subject)).toEqual(['signIn']);
    life.back();
    id.resolve('u'); // Backstage's identity answers just after `signIn`
    await advance(100);
    expect(sent).toEqual(['anonymous session', 'click sign-in page as anonymous', 'identify u', 'click signIn as u']);
    expect(storedCalls(storage)).toEqual([]);
  });

  it('a tab switch while a call waits again and the library still loads: nothing goes anonymous that the user can still have', async () => {
    for (const withStore of [true, false]) {
      const { sent, transport } = recordingTransport();
      const library = deferred<Transport>();
      const id = deferred<string>();
      const options = { transport: library.promise, userId: id.promise, identityTimeoutMs: 1000 };
      const life = drivenLifecycle();
      const d = withStore
        ? deliveryWithStore(memoryStorage(), { ...options, onPageLeave: life.onPageLeave }).d
        : new Delivery({ ...options, logger: logger(), onPageLeave: life.onPageLeave });
      d.enqueue(clickCall('sign-in page'));
      await advance(1100); // the time-out: an anonymous session is queued, nothing of it sent
      d.enqueue(clickCall('signIn'));
      await advance(50);
      life.leave({ final: false });
      life.back();
      id.resolve('u');
      await advance(20);
      library.resolve(transport);
      await advance(100);
      expect(sent).toEqual(['identify u', 'click sign-in page as u', 'click signIn as u']);
    }
  });

  it('hidden while a call waits again, then left for good: sent as it goes, even where the claim ledger cannot answer any more', async () => {
    const { sent, transport } = recordingTransport();
    const storage = memoryStorage();
    const ledger = { claim: () => never<Set<string>>(), heldClaim: () => undefined }; // IndexedDB, once the page is unloaded
    const { d, life } = deliveryWithStore(storage, { transport: Promise.resolve(transport), userId: never<string>(), identityTimeoutMs: 1000, ledger });
    d.enqueue(clickCall('sign-in page'));
    await advance(1100);
    d.enqueue(clickCall('late'));
    await advance(10);
    life.leave({ final: false }); // closing a tab hides it first
    expect(sent).toEqual(['anonymous session', 'click sign-in page as anonymous']);
    life.leave({ final: true });
    expect(sent).toEqual(['anonymous session', 'click sign-in page as anonymous', 'click late as anonymous']);
    // A copy stays for the next load, which sends it again with the same messageId (Segment de-duplicates).
    expect(storedCalls(storage).map(call => call.call.properties.subject)).toEqual(['late']);
  });

  it('the library failing to load with nowhere to keep the calls: one warning, none about the identity later', async () => {
    const failingLater = () => later(500, 'u').then(() => Promise.reject(new Error('identity down')));
    for (const identity of [never<string>, failingLater]) {
      const userId = identity();
      const log = logger();
      const d = new Delivery({ transport: Promise.reject(new Error('chunk failed')), userId, identityTimeoutMs: 1000, logger: log });
      d.enqueue(clickCall('a'));
      await advance(5000);
      expect(log.warn).toHaveBeenCalledTimes(1);
      expect(String(log.warn.mock.calls[0][0])).toContain('could not be loaded');
    }
  });

  it('switched off (the user\'s choice) while the identity is pending: its failure later is not warned about', async () => {
    const log = logger();
    const { sent, transport } = recordingTransport();
    const d = new Delivery({ transport: Promise.resolve(transport), userId: later(500, 'u').then(() => Promise.reject(new Error('identity down'))), identityTimeoutMs: 1000, logger: log });
    d.enqueue(clickCall('a'));
    await advance(10);
    d.stop();
    await advance(5000);
    expect(log.warn).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
  });
});
