import { ConfigReader } from '@backstage/config';
import { readSegmentConfig } from '../config/readSegmentConfig';
import { createDelivery } from './createDelivery';

describe('createDelivery with delivery: backend', () => {
  it("does not load the library when the relay's session code fails to load (calls would go out with another user's cookie)", async () => {
    const config = readSegmentConfig(
      new ConfigReader({ app: { analytics: { segment: { delivery: 'backend' } } }, backend: { baseUrl: 'http://127.0.0.1:9' } }),
    );
    if (!config.enabled) throw new Error('expected an enabled config');
    const loadLibrary = jest.fn(() => new Promise<never>(() => {}));
    const warn = jest.fn();
    createDelivery(config, { warn, info: jest.fn() }, {
      atHandOver: call => call,
      loadLibrary,
      whenReady: Promise.reject(new Error('ChunkLoadError: segment-analytics-relay')),
    });
    for (let tries = 0; warn.mock.calls.length === 0 && tries < 200; tries++) await new Promise(resolve => setTimeout(resolve, 5));
    expect(loadLibrary).not.toHaveBeenCalled();
    expect(String(warn.mock.calls[0]?.[0])).toContain('could not be loaded');
  });
});
