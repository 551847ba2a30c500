import { Analytics, AnalyticsBrowser } from '@segment/analytics-next';
import { readEnabled } from '../__testUtils__/configReading';
import { guardEnrichment, PAGE_ENRICHMENT } from './enrichmentGuard';
import { skipPerEventCookieStore } from './pageLifeIdentity';
import { toLoadArguments } from './segmentOptions';

// The real enrichment plugin of `@segment/analytics-next`, in jsdom: what an
// event gets from the guarded plugin (which reuses its last output) is what
// the plugin itself gives the same event, whatever changed in between.

type Ctx = { event: { context: Record<string, unknown> } };
type Hook = (ctx: Ctx) => Ctx;
type EnrichmentPlugin = { enrich: Hook; track: Hook; page: Hook; userAgentData?: unknown };

const config = () => readEnabled({ writeKey: 'memo', cdnSettings: 'local', apiHost: 'http://127.0.0.1:9/v1' });

async function loadPlugin(cookieStore: 'skipped' | 'kept' = 'skipped') {
  const [settings, options] = toLoadArguments(config());
  const [analytics] = await AnalyticsBrowser.load(settings, options);
  if (cookieStore === 'skipped') skipPerEventCookieStore(analytics);
  const plugin = (analytics as Analytics).queue.plugins.find(p => p.name === PAGE_ENRICHMENT) as unknown as EnrichmentPlugin;
  // The plugin's own function, unguarded, to compare with. (The library has
  // one such plugin per page, guarded once: by the first test's load.)
  const itself = (ctx: Ctx) => plugin.enrich.call(plugin, ctx);
  guardEnrichment(analytics.queue.plugins as never);
  // Each run of the plugin builds a time-zone formatter.
  const runs = jest.spyOn(Intl, 'DateTimeFormat');
  return { analytics, plugin, itself, runs };
}

const event = (search?: unknown, more: Record<string, unknown> = {}): Ctx => ({
  event: { context: { page: { path: '/catalog', search, url: `http://localhost/catalog${typeof search === 'string' ? search : ''}` }, ...more } },
});

/** The context as sent: its JSON, key order included. */
const sent = (ctx: Ctx) => JSON.stringify(ctx.event.context);

const clearCookies = () => {
  for (const name of document.cookie.split(';').map(c => c.split('=')[0].trim()).filter(Boolean)) {
    document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
};

afterEach(() => {
  clearCookies();
  jest.restoreAllMocks();
});

describe('the enrichment plugin, guarded', () => {
  it('gives every event what the plugin gives it, as the query string, cookies, user agent, language and client hints change', async () => {
    const { plugin, itself } = await loadPlugin();
    const setAmpCookie = () => {
      document.cookie = '_ga=amp-abc; path=/';
    };
    const speakFrench = () => {
      jest.spyOn(navigator, 'language', 'get').mockReturnValue('fr-FR');
    };
    const anotherAgent = () => {
      jest.spyOn(navigator, 'userAgent', 'get').mockReturnValue('Mozilla/5.0 (emulated device)');
    };
    const hintsArrive = () => {
      plugin.userAgentData = { mobile: false, platform: 'Linux', brands: [] };
    };
    const steps: Array<{ step: string; search?: unknown; more?: Record<string, unknown>; before?: () => void }> = [
      { step: 'no query string', search: '' },
      { step: 'the same again', search: '' },
      { step: 'search undefined', search: undefined },
      { step: 'campaign parameters', search: '?utm_source=news&utm_campaign=launch%20day' },
      { step: 'the same again', search: '?utm_source=news&utm_campaign=launch%20day' },
      { step: 'an ad-click id', search: '?btid=42&x=1' },
      { step: 'an AMP id in the cookies', search: '?btid=42&x=1', before: setAmpCookie },
      { step: 'the same again', search: '?btid=42&x=1' },
      { step: 'another language', search: '?btid=42&x=1', before: speakFrench },
      { step: 'client hints arrive', search: '?btid=42&x=1', before: hintsArrive },
      { step: 'another user agent (emulation in the developer tools)', search: '?btid=42&x=1', before: anotherAgent },
      // The same query string as above, so that only the context's own field differs from what was reused.
      { step: 'a context with a locale of its own', search: '?btid=42&x=1', more: { locale: 'de-DE' } },
      { step: 'a context with a campaign of its own', search: '?btid=42&x=1', more: { campaign: { name: 'mine' } } },
      { step: 'a query string that is an object', search: { utm_source: 'obj' } },
      { step: 'back to the first', search: '' },
    ];
    for (const { step, search, more, before } of steps) {
      before?.();
      const guarded = event(search, more);
      plugin.track(guarded);
      const expected = event(search, more);
      itself(expected);
      expect([step, sent(guarded)]).toEqual([step, sent(expected)]);
    }
  });

  it('an event the plugin fails on (no page) goes on with the time zone, and the next one is enriched', async () => {
    const { plugin, itself } = await loadPlugin();
    const noPage: Ctx = { event: { context: {} } };
    expect(() => itself({ event: { context: {} } })).toThrow(TypeError);
    plugin.track(noPage);
    expect(noPage.event.context).toEqual({ timezone: new Intl.DateTimeFormat().resolvedOptions().timeZone });
    const next = event('');
    plugin.track(next);
    const expected = event('');
    itself(expected);
    expect(sent(next)).toEqual(sent(expected));
  });

  it('runs the plugin again only when something it reads changed, and each event has its own copy', async () => {
    const { plugin, runs } = await loadPlugin();
    plugin.userAgentData = { mobile: false, platform: 'Linux', brands: [{ brand: 'Chromium', version: '150' }] };
    const first = event('?utm_source=news');
    plugin.track(first);
    (first.event.context.campaign as Record<string, unknown>).source = 'changed by a later plugin';
    const second = event('?utm_source=news');
    plugin.track(second);
    (second.event.context.userAgentData as { brands: Array<Record<string, unknown>> }).brands[0].brand = 'changed in depth';
    const third = event('?utm_source=news');
    plugin.track(third);
    expect(runs).toHaveBeenCalledTimes(1);
    expect(second.event.context.campaign).toEqual({ source: 'news' });
    expect(second.event.context.campaign).not.toBe(first.event.context.campaign);
    expect(third.event.context.userAgentData).toEqual({ mobile: false, platform: 'Linux', brands: [{ brand: 'Chromium', version: '150' }] });
    plugin.track(event('?utm_source=other'));
    document.cookie = 'seen=1; path=/';
    plugin.track(event('?utm_source=other'));
    expect(runs).toHaveBeenCalledTimes(3);
  });

  it('with the plugin storing the ad-click id in a cookie, events still get what the plugin gives them', async () => {
    const { analytics, plugin, itself } = await loadPlugin('kept');
    const check = (search: string) => {
      const guarded = event(search);
      plugin.track(guarded);
      const expected = event(search);
      itself(expected);
      expect(sent(guarded)).toEqual(sent(expected));
      return guarded.event.context;
    };
    for (const search of ['?urid=7', '?urid=7', '', '', '?btid=9']) check(search);
    expect(document.cookie).toContain('s%3Acontext.referrer');
    expect(check('')).toHaveProperty('referrer', { id: '9', type: 'dataxu' });
    // The plugin writes the id back at each event with one in the URL: something removing the
    // cookie in between (a consent tool, the user) does not stop that.
    clearCookies();
    plugin.track(event('?btid=9'));
    clearCookies();
    plugin.track(event('?btid=9'));
    expect(plugin.track(event(''))).toHaveProperty(['event', 'context', 'referrer'], { id: '9', type: 'dataxu' });
    // The cookie store stopped (as the transport does once the identity is kept in memory): the stored id is not read.
    skipPerEventCookieStore(analytics);
    expect(check('')).not.toHaveProperty('referrer');
  });
});
