import { MockStorageApi } from '@backstage/test-utils';
import { advanceUntil } from './__testUtils__/fakeTime';
import { setupWireCollector, userIdentity } from './__testUtils__/wireTest';
import { clearCookies, clickOn, consentOf, leftInBrowser, trackSubjects } from './__testUtils__/consentWire';

// The real library, sending real HTTP to the embedded collector: an event the library holds for a retry when the user switches off.
// One test in this file: instances made by other tests stay in the window (in a browser, other tabs) and
// write what they keep as it is hidden, which a page switched off leaves alone.

const wire = setupWireCollector('consent-retry-held');
const click = clickOn;
const subjects = trackSubjects;

afterEach(clearCookies);

describe("the user's own choice, on the wire", () => {
  it('without batching: an event the library holds for a retry when the user switches off is never sent, nothing left behind', async () => {
    const storageApi = MockStorageApi.create();
    const { analytics, waitFor, writeKey } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
    click(analytics, 'before');
    await waitFor(m => subjects(m).includes('before')); // the library is loaded
    const realFetch = globalThis.fetch;
    const failed: string[] = [];
    // The network drops the next track request: the library keeps the event for its retry.
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith('/t') && !failed.length) {
        failed.push(String(init?.body));
        throw new TypeError('Failed to fetch');
      }
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      click(analytics, 'retried');
      await advanceUntil(() => expect(failed).toHaveLength(1));
      expect(failed[0]).toContain('retried');
      await consentOf(storageApi).setDecision('denied');
      await jest.advanceTimersByTimeAsync(60_000); // well past the library's back-off
      window.dispatchEvent(new Event('pagehide')); // where the library stores what its queue still holds
      expect(leftInBrowser()).toEqual([]);
      const other = wire.create({});
      click(other.analytics, 'marker');
      await other.waitFor(m => subjects(m).includes('marker'));
      const sent = (await wire.collector.messages()).filter(m => m.writeKey === writeKey);
      expect(subjects(sent)).toEqual(['before']);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
