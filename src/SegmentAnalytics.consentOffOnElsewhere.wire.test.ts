import { StorageApi } from '@backstage/core-plugin-api';
import { advanceUntil } from './__testUtils__/fakeTime';
import { setupWireCollector, userIdentity } from './__testUtils__/wireTest';
import { clearCookies, clickOn, keptForNextLoad, tracksRefused, trackSubjects } from './__testUtils__/consentWire';

// The real library, sending real HTTP to the embedded collector: a "no" and
// a "yes" said where this page did not see the "no" (another tab while this
// page was in the back/forward cache, another device), while the library of
// the first session still holds an event for a retry.

const wire = setupWireCollector('consent-off-on-elsewhere');

afterEach(clearCookies);

/**
 * A StorageApi over one stored choice that another tab changes: `elsewhere`
 * stores a decision without telling this page (it was frozen, or in the
 * back/forward cache), as the other tab's `decide` would have made it.
 */
function choiceChangedElsewhere() {
  let stored: unknown;
  const bucket = {
    snapshot: (key: string) => (stored === undefined ? { key, presence: 'absent' } : { key, presence: 'present', value: stored }),
    set: async (_key: string, value: unknown) => {
      stored = value;
    },
    observe$: () => ({ subscribe: () => ({ unsubscribe() {}, closed: false }) }),
  };
  return { storageApi: { forBucket: () => bucket } as unknown as StorageApi, elsewhere: (value: unknown) => (stored = value) };
}

describe('switched off and on again in another tab while this page did not run (back/forward cache)', () => {
  it('shown again: what it held from before goes nowhere (nor to the next load); later events carry a new anonymous id', async () => {
    const { storageApi, elsewhere } = choiceChangedElsewhere();
    const { analytics, waitFor, writeKey } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
    clickOn(analytics, 'before');
    const first = await waitFor(m => trackSubjects(m).includes('before'));
    const oldId = first.find(m => m.type === 'track')!.anonymousId;
    const realFetch = globalThis.fetch;
    let down = true;
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (down && String(input).endsWith('/t')) throw new TypeError('Failed to fetch');
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      clickOn(analytics, 'held-before-no');
      await jest.advanceTimersByTimeAsync(500);
      // The other tab: "no" (it removed what analytics kept in the browser), then "yes", a period of its own.
      for (const key of Object.keys(localStorage)) localStorage.removeItem(key);
      for (const c of document.cookie.split(';')) document.cookie = `${c.split('=')[0].trim()}=; max-age=0; path=/`;
      elsewhere({ decision: 'granted', decidedAt: new Date(Date.now() + 1).toISOString(), offAt: new Date().toISOString() });
      window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
      down = false;
      clickOn(analytics, 'after');
      const all = await waitFor(m => trackSubjects(m).includes('after'));
      await jest.advanceTimersByTimeAsync(60_000); // well past the first library's back-off
      window.dispatchEvent(new Event('pagehide'));
      expect(keptForNextLoad(writeKey)).toEqual([]);
      const sent = (await wire.collector.messages()).filter(m => m.writeKey === writeKey);
      expect(trackSubjects(sent)).toEqual(['before', 'after']);
      const after = all.find(m => m.properties?.subject === 'after')!;
      expect(after.anonymousId).toEqual(expect.any(String));
      expect(after.anonymousId).not.toBe(oldId);
      expect(after.userId).toBe('user:default/jane');
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});

describe('switched off and on again on another device (the settings backend), this page told only the "yes"', () => {
  it('a new session: what the first held goes nowhere; it goes on with the id the browser keeps, as every load of it does; its retries kept for the next load', async () => {
    const { storageApi, elsewhere } = choiceChangedElsewhere();
    const { analytics, waitFor, writeKey } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
    clickOn(analytics, 'before');
    const first = await waitFor(m => trackSubjects(m).includes('before'));
    const browserId = first.find(m => m.type === 'track')!.anonymousId;
    const network = tracksRefused();
    try {
      clickOn(analytics, 'held-before-no');
      await advanceUntil(() => expect(network.refused('held-before-no')).toBe(true));
      // This browser's stores untouched by the "no": it was said elsewhere.
      elsewhere({ decision: 'granted', decidedAt: new Date(Date.now() + 1).toISOString(), offAt: new Date().toISOString() });
      window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
      clickOn(analytics, 'after');
      await advanceUntil(() => expect(network.refused('after')).toBe(true));
      expect(JSON.parse(network.failed.find(body => body.includes('"after"'))!).anonymousId).toBe(browserId);
      window.dispatchEvent(new Event('pagehide'));
      await jest.advanceTimersByTimeAsync(300);
      expect(keptForNextLoad(writeKey)).toEqual(['after']);
    } finally {
      network.restore();
    }
  });
});
