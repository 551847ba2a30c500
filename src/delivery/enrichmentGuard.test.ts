import { guardEnrichment, PAGE_ENRICHMENT } from './enrichmentGuard';

type Ctx = { event: { context: Record<string, unknown> } };

function enrichmentPlugin(enrich: (ctx: Ctx) => Ctx) {
  return { name: PAGE_ENRICHMENT, type: 'before', track: enrich, page: enrich, identify: enrich, group: enrich, alias: enrich, screen: enrich };
}

const ctx = (): Ctx => ({ event: { context: {} } });

describe('guardEnrichment', () => {
  it('an enrichment that throws part-way: the event goes on with what was added, and the time zone', () => {
    const plugin = enrichmentPlugin(c => {
      c.event.context.userAgent = 'UA';
      throw new DOMException('cookies refused', 'SecurityError');
    });
    guardEnrichment([plugin]);
    for (const hook of ['track', 'page', 'identify', 'group', 'alias', 'screen'] as const) {
      expect(plugin[hook](ctx())).toEqual({ event: { context: { userAgent: 'UA', timezone: new Intl.DateTimeFormat().resolvedOptions().timeZone } } });
    }
  });

  it('an enrichment that works is left as it is, its result passed on', () => {
    const plugin = enrichmentPlugin(c => ({ event: { context: { ...c.event.context, locale: 'fr' } } }));
    guardEnrichment([plugin]);
    expect(plugin.track(ctx())).toEqual({ event: { context: { locale: 'fr' } } });
  });

  it('other plugins are left alone, and guarding twice wraps once', () => {
    const other = { name: 'Segment.io', track: () => { throw new Error('delivery failed'); } };
    const plugin = enrichmentPlugin(() => { throw new Error('x'); });
    guardEnrichment([other, plugin]);
    const once = plugin.track;
    guardEnrichment([other, plugin]);
    expect(plugin.track).toBe(once);
    expect(() => other.track()).toThrow('delivery failed');
  });
});
