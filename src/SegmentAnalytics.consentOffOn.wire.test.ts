import { ConfigReader } from '@backstage/config';
import { StorageApi } from '@backstage/core-plugin-api';
import { MockStorageApi } from '@backstage/test-utils';
import { SegmentConsent } from './consent/SegmentConsent';
import { SegmentAnalytics } from './SegmentAnalytics';
import { advanceUntil } from './__testUtils__/fakeTime';
import { CollectedMessage } from './__testUtils__/loopbackCollector';
import { setupWireCollector, userIdentity } from './__testUtils__/wireTest';

// The real library, sending real HTTP to the embedded collector: a "no"
// followed by a "yes" in the same page, while the library of the first
// session still holds an event for a retry.

const wire = setupWireCollector('consent-off-on');
const context = { routeRef: 'r', pluginId: 'p', extension: 'e' };
const click = (analytics: SegmentAnalytics, subject: string) => analytics.captureEvent({ action: 'click', subject, context });
const subjects = (messages: CollectedMessage[]) => messages.filter(m => m.type === 'track').map(m => m.properties.subject);
const consentOf = (storageApi: StorageApi) => SegmentConsent.fromConfig(new ConfigReader({ app: { analytics: { segment: {} } } }), { storageApi });

/** The subjects of the calls the library kept in localStorage for the next load (its persisted queues). */
function keptForNextLoad(writeKey: string): string[] {
  return Object.keys(localStorage)
    .filter(key => key.startsWith(`persisted-queue:v1:${writeKey}:`) && key.endsWith(':items'))
    .flatMap(key => JSON.parse(localStorage.getItem(key)!) as Array<{ event?: { properties?: { subject?: string } } }>)
    .map(item => item.event?.properties?.subject ?? '?');
}

afterEach(() => {
  for (const c of document.cookie.split(';')) document.cookie = `${c.split('=')[0].trim()}=; max-age=0; path=/`;
});

describe('switched off and on again while the first session\'s library holds an event for a retry', () => {
  it('the page left: the event said before the "no" is not kept for the next load; what the new session holds is', async () => {
    const storageApi = MockStorageApi.create();
    const { analytics, waitFor, writeKey } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
    click(analytics, 'before');
    await waitFor(m => subjects(m).includes('before')); // the library is loaded
    const realFetch = globalThis.fetch;
    const failed: string[] = [];
    // The network is down for track requests: the libraries keep their events for a retry.
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith('/t')) {
        failed.push(String(init?.body));
        throw new TypeError('Failed to fetch');
      }
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      click(analytics, 'said-before-no');
      await advanceUntil(() => expect(failed.some(body => body.includes('said-before-no'))).toBe(true));
      await consentOf(storageApi).setDecision('denied');
      await consentOf(storageApi).setDecision('granted'); // before the first session's retry
      click(analytics, 'after-yes');
      await advanceUntil(() => expect(failed.some(body => body.includes('after-yes'))).toBe(true));
      window.dispatchEvent(new Event('pagehide')); // where each library stores what its queue still holds
      expect(keptForNextLoad(writeKey)).toEqual(['after-yes']);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
