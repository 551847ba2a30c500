import { AnalyticsBrowser, Context, Plugin } from '@segment/analytics-next';
import { recordFetchBodies } from '../../__testUtils__/deliveryTestKit';
import { createWireEvents, LibraryEvent } from './libraryWireEvent';

// The events the module batches itself must be, field for field, those the
// library's own batcher sends: the real library in jsdom, batching, its
// requests recorded, beside what `createWireEvents` makes of the same events.

afterEach(() => {
  jest.restoreAllMocks();
  localStorage.clear();
});

/** Loads the library batching 4 calls a request, with a plugin that keeps each event as its destinations get it. */
async function libraryBatching(segmentIo: object = {}) {
  const seen: LibraryEvent[] = [];
  const keep = async (ctx: Context) => {
    seen.push(ctx.event as LibraryEvent);
    return ctx;
  };
  const recorder: Plugin = {
    name: 'recorder',
    type: 'destination',
    version: '1',
    isLoaded: () => true,
    load: async () => {},
    track: keep,
    page: keep,
    identify: keep,
    group: keep,
  };
  const settings = {
    apiKey: 'wk',
    apiHost: 'collector.example/v1',
    deliveryStrategy: { strategy: 'batching' as const, config: { size: 4, timeout: 60_000 } },
    ...segmentIo,
  };
  const [analytics] = await AnalyticsBrowser.load(
    { writeKey: 'wk', cdnSettings: { integrations: { 'Segment.io': settings } }, plugins: [recorder] },
    { integrations: { 'Segment.io': settings } },
  );
  return { analytics, seen, settings };
}

describe('createWireEvents', () => {
  it.each([
    ['the defaults', {}],
    [
      'unbundled integrations and bundled config ids in the settings',
      { unbundledIntegrations: ['Zeta', 'Alpha'], maybeBundledConfigIds: { 'Segment.io': ['id-1', 'id-2'] } },
    ],
    ['no bundling metadata asked for', { addBundledMetadata: false }],
    ['Segment.io marked bundled (the library lists it twice)', { bundlingStatus: 'bundled', maybeBundledConfigIds: { 'Segment.io': ['id-1'] } }],
    ['Segment.io marked unbundled', { bundlingStatus: 'unbundled', unbundledIntegrations: ['Segment.io', 'Beta', 'Beta'] }],
  ])('builds the events the library batches, with %s', async (_, segmentIo) => {
    const posted = recordFetchBodies();
    const { analytics, seen, settings } = await libraryBatching(segmentIo);
    analytics.user().anonymousId('anon-1');
    await Promise.all([
      analytics.identify('user:default/ada', { name: 'Ada' }),
      analytics.track('clicked', { subject: 'Docs', nested: { list: [1, null, 'two'] } }, { context: { traits: { a: 1 } } }),
      analytics.page('docs', 'index', { path: '/docs' }, { timestamp: new Date('2026-01-02T03:04:05.678Z'), userId: 'other' }),
      analytics.group('group:default/team', { size: 3 }),
    ]);
    expect(posted).toHaveLength(1);
    const toWire = createWireEvents(analytics as never, settings, { 'Segment.io': settings });
    const ours = JSON.parse(JSON.stringify(seen.map(event => toWire(event))));
    expect(ours).toEqual(posted[0].batch);
    // Same fields in the same order, too.
    expect(ours.map((event: object) => Object.keys(event))).toEqual(posted[0].batch.map((event: object) => Object.keys(event)));
  });

  it('fills in the user the library knows when the event has none, as the library does', async () => {
    const { analytics, settings } = await libraryBatching();
    analytics.user().id('user:default/known');
    analytics.user().anonymousId('anon-2');
    const toWire = createWireEvents(analytics as never, settings, { 'Segment.io': settings });
    expect(toWire({ type: 'track', event: 'e', options: { x: 1 }, traits: { t: 1 } })).toEqual({
      type: 'track',
      event: 'e',
      writeKey: 'wk',
      userId: 'user:default/known',
      anonymousId: 'anon-2',
      _metadata: { bundled: ['Segment.io'], unbundled: [], bundledIds: [] },
    });
  });
});
