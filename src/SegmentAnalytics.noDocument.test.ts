/**
 * @jest-environment node
 */
import { ConfigReader } from '@backstage/config';
import { mockApis } from '@backstage/test-utils';
import { SegmentAnalytics } from './SegmentAnalytics';

// No DOM (server-side rendering, a test runner's node environment): with the
// user's choice followed (a StorageApi), delivery waits for that choice, and
// the module is made without touching `document`, as before the page's
// titles were watched from the start.

it('fromConfig with a StorageApi and no document does not throw', () => {
  expect(typeof document).toBe('undefined');
  const config = new ConfigReader({ app: { analytics: { segment: { testMode: true, userIdTransform: 'sha-256' } } } });
  expect(() => SegmentAnalytics.fromConfig(config, { storageApi: mockApis.storage() })).not.toThrow();
});
