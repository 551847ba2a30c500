import { nextMillisecond } from './__testUtils__/fakeTime';
import { setupWireCollector, silentStorageApi, userIdentity } from './__testUtils__/wireTest';

// Events held first for the user's choice (read slowly: the default applies
// after `consent.waitMs`), then for the engine of the user's expressions
// (compiling slowly here), keep the page they were captured on: its URL and
// the in-app referrer. The real library, to the embedded collector.

jest.mock('./privacy/expressionEngine', () => {
  const actual = jest.requireActual('./privacy/expressionEngine');
  return { ...actual, prepareExpressions: (e: unknown) => new Promise(r => setTimeout(r, 2000)).then(() => actual.prepareExpressions(e)) };
});

const wire = setupWireCollector('held-location');
const ctx = { routeRef: 'r', pluginId: 'catalog', extension: 'e' };
const has = (n: number) => (m: Array<{ properties?: { attributes?: { n?: number } } }>) => m.some(x => x.properties?.attributes?.n === n);

it('events held for the choice, then for the expression engine, keep where they were captured', async () => {
  jest.spyOn(console, 'warn').mockImplementation(() => {});
  const { analytics, waitFor } = wire.create(
    { redact: { patterns: ['secret-[a-z]+'] }, consent: { waitMs: 500 } },
    { storageApi: silentStorageApi(), identityApi: userIdentity('user:default/jane') },
  );
  window.history.pushState({}, '', '/a');
  analytics.captureEvent({ action: 'navigate', subject: '/a', attributes: { n: 1 }, context: ctx });
  await jest.advanceTimersByTimeAsync(100);
  window.history.replaceState({}, '', '/a?x=1');
  analytics.captureEvent({ action: 'click', subject: 'c', attributes: { n: 2 }, context: ctx });
  nextMillisecond();
  await jest.advanceTimersByTimeAsync(100);
  window.history.pushState({}, '', '/b');
  analytics.captureEvent({ action: 'navigate', subject: '/b', attributes: { n: 3 }, context: ctx });
  await jest.advanceTimersByTimeAsync(100);
  // Where the page is when the held events are let through: no event's page.
  window.history.pushState({}, '', '/c');
  const messages = await waitFor(m => [1, 2, 3].every(n => has(n)(m)));
  const seen = [1, 2, 3].map(n => {
    const m = messages.find(x => x.properties?.attributes?.n === n)!;
    return { n, type: m.type, url: m.context.page.url, referrer: m.context.page.referrer };
  });
  expect(seen).toEqual([
    { n: 1, type: 'page', url: 'http://localhost/a', referrer: '' },
    { n: 2, type: 'track', url: 'http://localhost/a?x=1', referrer: '' },
    { n: 3, type: 'page', url: 'http://localhost/b', referrer: 'http://localhost/a?x=1' },
  ]);
});
