import { ConfigReader } from '@backstage/config';
import { StorageApi } from '@backstage/core-plugin-api';
import { MockStorageApi } from '@backstage/test-utils';
import { SegmentConsent } from './consent/SegmentConsent';
import { SegmentAnalytics } from './SegmentAnalytics';
import { advanceUntil } from './__testUtils__/fakeTime';
import { setupWireCollector, userIdentity } from './__testUtils__/wireTest';

// The real library, to the embedded collector: the user says "no" while the
// library is still loading (its settings on their way). The library arrives
// later; what it stores as it starts (its ids: ajs_* keys and cookies) is
// removed too, with no page leave needed: nothing is left behind.

const wire = setupWireCollector('consent-late-library');
const context = { routeRef: 'r', pluginId: 'p', extension: 'e' };
const click = (analytics: SegmentAnalytics, subject: string) => analytics.captureEvent({ action: 'click', subject, context });
const consentOf = (storageApi: StorageApi) => SegmentConsent.fromConfig(new ConfigReader({ app: { analytics: { segment: {} } } }), { storageApi });
const ajsKeys = () => Object.keys(localStorage).filter(key => key.startsWith('ajs_'));
const ajsCookies = () => document.cookie.split(';').map(c => c.split('=')[0].trim()).filter(name => name.startsWith('ajs_'));

afterEach(() => {
  for (const c of document.cookie.split(';')) document.cookie = `${c.split('=')[0].trim()}=; max-age=0; path=/`;
});

describe('"no" while the library is still loading', () => {
  it.each([
    ['a moment after it arrives', 300],
    ['long after it arrives', 10_000],
  ])('%s: no ajs_* key or cookie is left, nothing is sent', async (_, afterMs) => {
    const storageApi = MockStorageApi.create();
    await consentOf(storageApi).setDecision('granted');
    const realFetch = globalThis.fetch;
    let release!: () => void;
    const held = new Promise<void>(resolve => (release = resolve));
    let settingsCalls = 0;
    let arrived = false;
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      if (url.includes('/settings')) {
        settingsCalls++;
        await held; // the library's settings, held back
        const response = await realFetch(input, init);
        arrived = true;
        return response;
      }
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      const { analytics, writeKey } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
      click(analytics, 'before');
      await advanceUntil(() => expect(settingsCalls).toBe(1));
      await consentOf(storageApi).setDecision('denied');
      release(); // the library arrives after the "no"
      await advanceUntil(() => expect(arrived).toBe(true));
      await jest.advanceTimersByTimeAsync(afterMs);
      expect(ajsKeys()).toEqual([]);
      expect(ajsCookies()).toEqual([]);
      const sent = (await wire.collector.messages()).filter(m => m.writeKey === writeKey);
      expect(sent).toEqual([]);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
