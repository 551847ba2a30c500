import { MockStorageApi } from '@backstage/test-utils';
import { setupWireCollector, userIdentity } from './__testUtils__/wireTest';
import { clearCookies, clickOn, consentOf, leftInBrowser, trackSubjects } from './__testUtils__/consentWire';

// The real library, sending real HTTP to the embedded collector: a batch the library holds when the user switches off.
// One test in this file: instances made by other tests stay in the window (in a browser, other tabs) and
// write what they keep as it is hidden, which a page switched off leaves alone.

const wire = setupWireCollector('consent-batch-held');
const click = clickOn;
const subjects = trackSubjects;

afterEach(clearCookies);

describe("the user's own choice, on the wire", () => {
  it('with batching: a batch waiting in the library when the user switches off is never sent, hidden tab included, and nothing is thrown', async () => {
    const thrown: unknown[] = [];
    const onError = (e: ErrorEvent) => thrown.push(e.error ?? e.message);
    const onRejection = (e: PromiseRejectionEvent) => thrown.push(e.reason);
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    // (the library reports each refused request of its hidden-tab send with console.error)
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => {});
    const hide = (state: 'hidden' | 'visible') => {
      Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    try {
      const storageApi = MockStorageApi.create();
      const { analytics, waitFor, writeKey } = wire.create({ batching: { size: 2, timeoutMs: 1500 } }, { storageApi, identityApi: userIdentity('user:default/jane') });
      click(analytics, 'one');
      click(analytics, 'two');
      await waitFor(m => subjects(m).includes('two')); // a full batch: the library is loaded
      click(analytics, 'waiting'); // half a batch: the batcher holds it for its timer
      await jest.advanceTimersByTimeAsync(300); // handed over
      await consentOf(storageApi).setDecision('denied');
      // The batcher sends what it holds whenever the tab is hidden.
      hide('hidden');
      hide('visible');
      hide('hidden');
      await jest.advanceTimersByTimeAsync(1800); // past the batch's timer
      expect(leftInBrowser()).toEqual([]);
      // Another instance's event arrives: by then the waiting one would have too.
      const other = wire.create({});
      click(other.analytics, 'marker');
      await other.waitFor(m => subjects(m).includes('marker'));
      const sent = (await wire.collector.messages()).filter(m => m.writeKey === writeKey);
      expect(subjects(sent)).toEqual(['one', 'two']);
      expect(thrown).toEqual([]);
    } finally {
      delete (document as { visibilityState?: string }).visibilityState;
      consoleError.mockRestore();
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    }
  });
});
