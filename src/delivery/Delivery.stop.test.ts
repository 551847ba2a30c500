import { callStoreKey, createCallStore } from './callStore';
import { Delivery } from './Delivery';
import { clickCall, countingStorage, drivenLifecycle, recordingTransport } from '../__testUtils__/deliveryTestKit';

const logger = () => ({ warn: jest.fn(), info: jest.fn() });
const later = <T>(ms: number, value: T) => new Promise<T>(r => setTimeout(() => r(value), ms));

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

// The user switched analytics off (issue 18): Delivery.stop.
describe('Delivery.stop', () => {
  it('drops what is queued and hands nothing more over, even once the transport has loaded', async () => {
    const { sent, transport } = recordingTransport();
    const d = new Delivery({ transport: later(50, transport), identityTimeoutMs: 1000, logger: logger() });
    d.enqueue(clickCall('queued'));
    d.stop();
    d.enqueue(clickCall('after'));
    await jest.advanceTimersByTimeAsync(500);
    expect(sent).toEqual([]);
  });

  it('stops a running delivery between two calls, and stores nothing when the page is left', async () => {
    const { sent, transport } = recordingTransport();
    const { storage, data } = countingStorage();
    const lifecycle = drivenLifecycle();
    const d = new Delivery({
      transport: Promise.resolve(transport),
      userId: later(100_000, 'u'), // still waiting: calls would be stored on leaving
      identityTimeoutMs: 200_000,
      logger: logger(),
      store: createCallStore({ storage, writeKey: 'wk', now: () => Date.now(), logger: logger() }),
      onPageLeave: lifecycle.onPageLeave,
    });
    d.enqueue(clickCall('waiting'));
    await jest.advanceTimersByTimeAsync(10);
    d.stop();
    lifecycle.leave();
    await jest.advanceTimersByTimeAsync(200_000);
    expect(sent).toEqual([]);
    expect(data.has(callStoreKey('wk'))).toBe(false);
  });
});
