import { JSON_SAFE_MARKERS } from './mapping/toJsonSafe';
import { userIdentity, setupWireCollector } from './__testUtils__/wireTest';

// Hostile events through the real @segment/analytics-next to the embedded
// collector on a loopback port: the queue must not stall on them, and they
// arrive as JSON with markers. An unhandled rejection fails the running test
// (jest-circus).

const REF = 'user:default/jane.doe';
const context = { routeRef: 'catalog', pluginId: 'catalog', extension: 'CatalogIndexPage' };

const wire = setupWireCollector('hostile');
const { create } = wire;

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => jest.restoreAllMocks());

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { child: value };
  return value;
}

describe('hostile events on the wire', () => {
  it('go out as JSON with markers, in order, and the next ordinary event is not held back', async () => {
    const { analytics, waitFor } = create();
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const hostile: unknown[] = [
      { action: 'cycle', subject: 's', attributes: cycle, context },
      { action: 'bigint', subject: 's', value: BigInt(7), attributes: { n: BigInt(10) }, context },
      {
        action: 'getter',
        subject: 's',
        attributes: {
          inner: {
            get x() {
              throw new Error('getter');
            },
          },
        },
        context,
      },
      { action: 'deep', subject: 's', attributes: nested(3000), context },
      new Proxy(
        {},
        {
          get() {
            throw new Error('proxy');
          },
        },
      ),
      { action: 'create', subject: { event: 'hijack', properties: { replaced: true } }, context },
      { action: '', subject: 'empty action', context },
    ];
    for (const event of hostile) expect(analytics.captureEvent(event as any)).toBeUndefined();
    // The last event: nothing is captured after it, so a stalled queue would keep it forever.
    analytics.captureEvent({ action: 'click', subject: 'after', context });

    // one request each: wait for all of them, a retried one may arrive after 'after'
    const messages = await waitFor(m => m.filter(x => x.type === 'track').length >= hostile.length + 1);
    const tracks = messages.filter(m => m.type === 'track');
    const byName = (name: string) => tracks.find(m => m.event === name);
    expect(byName('cycle')?.properties.attributes).toEqual({ a: 1, self: JSON_SAFE_MARKERS.circular });
    expect(byName('bigint')?.properties).toMatchObject({ value: '7', attributes: { n: '10' } });
    expect(byName('getter')?.properties.attributes).toEqual({ inner: { x: JSON_SAFE_MARKERS.unreadable } });
    expect(JSON.stringify(byName('deep')?.properties.attributes)).toContain(JSON_SAFE_MARKERS.tooDeep);
    const created = byName('create');
    expect(created?.properties).toMatchObject({ subject: JSON_SAFE_MARKERS.unsupported, action: 'create', pluginId: 'catalog' });
    expect(created?.properties.replaced).toBeUndefined();
    const unknown = tracks.filter(m => m.event === 'unknown');
    expect(unknown.map(m => m.properties.subject).sort()).toEqual(['[unreadable]', 'empty action']);
    expect(tracks).toHaveLength(hostile.length + 1);
    expect(tracks.filter(m => m.properties.subject === 'after')).toHaveLength(1);
    expect(warn.mock.calls.every(call => /Segment analytics: a '[^']+' event/.test(String(call[0])))).toBe(true);
  });

  it.each([
    ['one request per event', {}],
    ['batching', { batching: { size: 3, timeoutMs: 200 } }],
  ])('values JSON writes in its own way arrive as JSON writes them, the same with %s', async (_, config) => {
    const { analytics, waitFor } = create(config);
    /* eslint-disable no-new-wrappers */
    const attributes = {
      ...JSON.parse('{"__proto__": {"polluted": 1}, "kept": "k"}'),
      boxed: [new Number(5), new String('ab'), new Boolean(false)],
      when: { toJSON: (key: string) => `key:${key}` },
    };
    /* eslint-enable no-new-wrappers */
    analytics.captureEvent({ action: 'shapes', subject: 's', attributes, context });
    analytics.captureEvent({ action: 'falsy', subject: 's', attributes: 0 as any, context });
    analytics.captureEvent({ action: 'null', subject: 's', attributes: null as any, context });
    const named = { toJSON: (key: string) => ({ key }) };
    analytics.captureEvent({ action: 'top', subject: 's', value: named as any, attributes: named as any, context });
    const messages = await waitFor(m => m.filter(x => x.type === 'track').length >= 4);
    const byName = (name: string) => messages.find(m => m.event === name)?.properties;
    expect(byName('shapes')?.attributes).toStrictEqual({ kept: 'k', boxed: [5, 'ab', false], when: 'key:when' });
    expect(byName('falsy')).toHaveProperty('attributes', 0);
    expect(byName('null')).toHaveProperty('attributes', null);
    // A toJSON at the top of a field is given the field's name, as JSON gives it writing the properties.
    expect(byName('top')).toMatchObject({ attributes: { key: 'attributes' }, value: { key: 'value' } });
    expect(({} as any).polluted).toBeUndefined();
  });

  it('a 40 KB user id from a custom transform is refused: events arrive anonymous, one warning', async () => {
    const { analytics, waitFor } = create(
      {},
      { identityApi: userIdentity(REF), userIdTransform: async () => 'x'.repeat(40 * 1024) },
    );
    analytics.captureEvent({ action: 'click', subject: 'a', context });
    analytics.captureEvent({ action: 'click', subject: 'b', context });
    const messages = await waitFor(m => m.length >= 2);
    expect(messages.map(m => m.type)).toEqual(['track', 'track']);
    expect(messages.every(m => !m.userId && typeof m.anonymousId === 'string')).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    const requests = await wire.collector.requests();
    expect(requests.filter(r => r.status >= 400)).toEqual([]);
  });

  it('a 17,000-character query when the session starts: identify and group (whose page the library reads) and the start page are cut, not refused', async () => {
    // The library reads the page for these from location: the query twice (url and search), over 32 KB.
    const query = `?filter=${'a'.repeat(17_000)}`;
    window.history.replaceState({}, '', `/search${query}`);
    try {
      const { analytics, waitFor } = create(
        { groups: true, userIdTransform: 'sha-256', agent: { initialPageView: true } },
        { identityApi: userIdentity(REF, { ownershipEntityRefs: [REF, 'group:default/team-a'] }) },
      );
      analytics.captureEvent({ action: 'click', subject: 'after', context });
      const messages = await waitFor(m => ['identify', 'group', 'page', 'track'].every(type => m.some(x => x.type === type)));
      for (const type of ['identify', 'group', 'page']) {
        const message = messages.find(m => m.type === type)!;
        expect(message.context.page.path).toBe('/search');
        expect(message.context.page.search).toMatch(/^\?filter=a+…\[truncated\]$/);
      }
      const requests = await wire.collector.requests();
      expect(requests.filter(r => r.status >= 400)).toEqual([]);
    } finally {
      window.history.replaceState({}, '', '/');
    }
  });
});
