import { setupWireCollector } from './__testUtils__/wireTest';

// A Segment snippet on the same page (a marketing team's, say): its stub is
// `window.analytics`, holding the CDN it loads from in `_cdn`. The library
// reads and writes its CDN there unless told otherwise, and keeps the CDN it
// was given in a module-global: its own file, and the test that gives no
// `cdnURL` first (a later one would find the earlier one's CDN).

const wire = setupWireCollector('snippet');
const context = { routeRef: 'home', pluginId: 'app', extension: 'App' };
const SEGMENT_CDN = 'https://cdn.segment.com/';

type SnippetStub = unknown[] & { _cdn?: string; _writeKey?: string };

function installSnippet(cdn: string): SnippetStub {
  const stub: SnippetStub = Object.assign([['page']], { _cdn: cdn, _writeKey: 'marketing-key' });
  (window as unknown as { analytics?: SnippetStub }).analytics = stub;
  return stub;
}

afterEach(() => {
  delete (window as unknown as { analytics?: SnippetStub }).analytics;
});

it("with no cdnURL configured, the settings come from Segment's CDN, not from a snippet's", async () => {
  // The snippet's CDN refuses connections: had the module's library loaded its settings there, nothing would arrive.
  const snippet = installSnippet('http://127.0.0.1:9');
  // Segment's CDN is answered by the collector (no test calls out): the URL asked for is what counts.
  const asked: string[] = [];
  const pageFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = String(input);
    asked.push(url);
    return pageFetch(url.startsWith(SEGMENT_CDN) ? `${wire.collector.url}/${url.slice(SEGMENT_CDN.length)}` : input, init);
  };
  const instance = wire.create({ cdnURL: undefined });
  instance.analytics.captureEvent({ action: 'click', subject: 'docs', context });
  const messages = await instance.waitFor(m => m.some(x => x.event === 'click'));
  expect(messages.filter(x => x.event === 'click')).toHaveLength(1);
  expect(asked.filter(url => url.includes('/settings'))).toEqual([`${SEGMENT_CDN}v1/projects/${instance.writeKey}/settings`]);
  expect(asked.filter(url => url.startsWith('http://127.0.0.1:9/'))).toEqual([]);
  expect(snippet._cdn).toBe('http://127.0.0.1:9');
});

it("leaves a snippet's window.analytics as it was: its CDN, write key and queued calls", async () => {
  const snippet = installSnippet('https://cdn.marketing.example.com');
  const instance = wire.create();
  instance.analytics.captureEvent({ action: 'click', subject: 'docs', context });
  await instance.waitFor(m => m.some(x => x.event === 'click'));
  expect((window as unknown as { analytics?: SnippetStub }).analytics).toBe(snippet);
  expect(snippet._cdn).toBe('https://cdn.marketing.example.com');
  expect(snippet._writeKey).toBe('marketing-key');
  expect([...snippet]).toEqual([['page']]);
});
