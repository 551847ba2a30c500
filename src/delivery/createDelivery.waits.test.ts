import { ConfigReader } from '@backstage/config';
import { readSegmentConfig } from '../config/readSegmentConfig';
import type { Plugin } from '@segment/analytics-next';
import { createDelivery } from './createDelivery';
import { untilRealWork } from '../__testUtils__/realWork';

describe('createDelivery waiting before the library starts', () => {
  it("does not start the library when the relay's session code fails to load (calls would go out with another user's cookie)", async () => {
    const config = readSegmentConfig(
      new ConfigReader({ app: { analytics: { segment: { delivery: 'backend' } } }, backend: { baseUrl: 'http://127.0.0.1:9' } }),
    );
    if (!config.enabled) throw new Error('expected an enabled config');
    const loadTransport = jest.fn(() => new Promise<never>(() => {}));
    const loadLibrary = jest.fn(() => Promise.resolve({ loadTransport, insideLibrary: {} as Plugin, claimLedger: jest.fn() }));
    const warn = jest.fn();
    createDelivery(config, { warn, info: jest.fn() }, {
      atHandOver: call => call,
      loadLibrary,
      whenReady: Promise.reject(new Error('ChunkLoadError: segment-analytics-relay')),
    });
    await untilRealWork(() => warn.mock.calls.length > 0, 'the warning');
    expect(loadTransport).not.toHaveBeenCalled();
    expect(String(warn.mock.calls[0]?.[0])).toContain('could not be loaded');
  });

  it("fetches the library's code while it waits, and starts it only once what it waits for is ready", async () => {
    const config = readSegmentConfig(new ConfigReader({ app: { analytics: { segment: { writeKey: 'k' } } } }));
    if (!config.enabled) throw new Error('expected an enabled config');
    const loadTransport = jest.fn(() => new Promise<never>(() => {}));
    const loadLibrary = jest.fn(() => Promise.resolve({ loadTransport, insideLibrary: {} as Plugin, claimLedger: jest.fn() }));
    let compiled!: () => void;
    createDelivery(config, { warn: jest.fn(), info: jest.fn() }, {
      atHandOver: call => call,
      loadLibrary,
      whenReady: new Promise<void>(resolve => {
        compiled = resolve;
      }),
    });
    expect(loadLibrary).toHaveBeenCalledTimes(1);
    for (let turn = 0; turn < 20; turn++) await Promise.resolve();
    expect(loadTransport).not.toHaveBeenCalled();
    compiled();
    await untilRealWork(() => loadTransport.mock.calls.length > 0, 'the library started');
    expect(loadTransport).toHaveBeenCalledTimes(1);
    expect(loadLibrary).toHaveBeenCalledTimes(1);
  });
});
