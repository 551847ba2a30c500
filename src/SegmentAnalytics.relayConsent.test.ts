import { ConfigReader } from '@backstage/config';
import { MockStorageApi } from '@backstage/test-utils';
import { SegmentConsent } from './consent/SegmentConsent';
import { SegmentAnalytics } from './SegmentAnalytics';
import { userIdentity } from './__testUtils__/identityApis';

// `delivery: backend` and the user's own choice: the relay (the app's backend) is contacted, for its session
// cookie, only while analytics is on for the user.

const segment = { delivery: 'backend', consent: { waitMs: 1000 } };
const config = () => new ConfigReader({ app: { analytics: { segment } }, backend: { baseUrl: 'http://127.0.0.1:9' } });
const context = { routeRef: 'r', pluginId: 'p', extension: 'e' };
let fetchSpy: jest.SpyInstance;
const relayRequests = () => fetchSpy.mock.calls.filter(([url]) => String(url).includes('/api/segment-analytics/')).length;

beforeEach(() => {
  jest.useFakeTimers();
  fetchSpy = jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in this test'));
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
  localStorage.clear();
});

async function settle(ms: number) {
  for (let waited = 0; waited < ms; waited += 100) await jest.advanceTimersByTimeAsync(100);
}

it('a user whose choice is "no": no request to the relay; switched on: its cookie is asked for; off again: no longer kept fresh', async () => {
  const storageApi = MockStorageApi.create();
  const consent = SegmentConsent.fromConfig(config(), { storageApi });
  await consent.setDecision('denied');
  const analytics = SegmentAnalytics.fromConfig(config(), { identityApi: userIdentity('user:default/jane', { token: 'a-token' }), storageApi });
  analytics.captureEvent({ action: 'click', subject: 'while off', context });
  await settle(10 * 60_000);
  expect(relayRequests()).toBe(0);

  await consent.setDecision('granted');
  await settle(1000);
  expect(relayRequests()).toBeGreaterThan(0);

  await consent.setDecision('denied');
  await settle(1000);
  const afterNo = relayRequests();
  // Refused here (no network), the cookie would be asked for again and again: not once analytics is off.
  await settle(30 * 60_000);
  expect(relayRequests()).toBe(afterNo);
});
