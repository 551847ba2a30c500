import { ConfigReader } from '@backstage/config';
import type { IdentityApi } from '@backstage/core-plugin-api';
import { readSegmentConfig } from '../config/readSegmentConfig';
import { startRelayMode } from './relayMode';

// The relay's session code is a lazy chunk: here it fails to load (a deploy replaced it, a proxy refused it).
jest.mock('./backendSession', () => {
  throw new Error('Failed to fetch dynamically imported module');
});

it('the relay code failing to load: no unhandled rejection while nothing reads it yet (the user\'s choice loads first), the failure told to its readers', async () => {
  const config = readSegmentConfig(new ConfigReader({ app: { analytics: { segment: { delivery: 'backend' } } }, backend: { baseUrl: 'http://127.0.0.1:9' } }));
  if (!config.enabled) throw new Error('expected an enabled config');
  const identityApi = { getCredentials: async () => ({ token: 't' }) } as unknown as IdentityApi;
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', record);
  try {
    const relay = startRelayMode(config, identityApi, { warn: jest.fn(), info: jest.fn() })!;
    relay.refused?.(); // a 401 answered meanwhile
    await new Promise(resolve => setTimeout(resolve, 10)); // a turn of the event loop: Node reports what is unhandled
    expect(unhandled).toEqual([]);
    await expect(relay.whenReady).rejects.toThrow('Failed to fetch dynamically imported module');
  } finally {
    process.off('unhandledRejection', record);
  }
});
