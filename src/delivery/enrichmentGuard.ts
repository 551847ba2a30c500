import { reuseEnrichment } from './enrichmentMemo';

/** The name of the library's own enrichment plugin (user agent, locale, campaign, time zone...). */
export const PAGE_ENRICHMENT = 'Page Enrichment';

/** The library's event types: a plugin's hooks are named after them. */
export const EVENT_HOOKS = ['track', 'page', 'identify', 'group', 'alias', 'screen'] as const;

/** What the guard needs of a plugin and of the context it is given. */
type Plugin = { name?: unknown } & Partial<Record<(typeof EVENT_HOOKS)[number], unknown>>;
type EventContext = { event?: { context?: Record<string, unknown> } };

const guarded = new WeakSet<object>();

function timeZone(): string | undefined {
  try {
    return new Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * Keeps the library's enrichment plugin from failing events.
 *
 * @remarks
 * `@segment/analytics-next` reads `document.cookie` while enriching every
 * event (an AMP id); where reading cookies throws (a sandboxed or
 * opaque-origin page), every event fails there and the library retries it
 * with back-off until it gives up: nothing is sent. Guarded, an event whose
 * enrichment throws goes on with what the plugin had added before it threw
 * (user agent, locale, library, campaign) and the time zone it adds after.
 * Other plugins are left alone. Guarded, the plugin also runs again only
 * when what it reads has changed ({@link reuseEnrichment}).
 */
export function guardEnrichment(plugins: readonly Plugin[]): void {
  const plugin = plugins.find(p => p.name === PAGE_ENRICHMENT);
  if (!plugin || guarded.has(plugin)) return;
  guarded.add(plugin);
  for (const hook of EVENT_HOOKS) {
    const original = plugin[hook];
    if (typeof original !== 'function') continue;
    const enrich = reuseEnrichment(plugin, original as (ctx: EventContext) => unknown);
    plugin[hook] = (ctx: EventContext) => {
      try {
        return enrich(ctx);
      } catch {
        const context = ctx?.event?.context;
        if (context && context.timezone === undefined) context.timezone = timeZone();
        return ctx;
      }
    };
  }
}
