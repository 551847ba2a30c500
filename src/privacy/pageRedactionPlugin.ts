import type { Context, Plugin } from '@segment/analytics-next';
import { DEFAULT_PRIVACY, PrivacyConfig } from './PrivacyConfig';
import { redactPage, redactValue } from './redactCall';
import { textRedactorFor } from './redactText';
import { compiledExpression, prepareExpressions } from './expressionEngine';
import { withUserPatterns } from './userPatterns';

/**
 * An enrichment plugin for `@segment/analytics-next` that redacts what the
 * library itself adds from `location`: `context.page` (and the page
 * properties of its own page calls, e.g. `initialPageview`) and the
 * `context.campaign` it parses from the query string.
 *
 * @remarks
 * The module's own page and track calls arrive with a page that is already
 * redacted (redaction is idempotent); this covers the calls the library
 * describes from the location, such as `identify` and `group`. Runs before
 * any destination, so nothing unredacted is sent.
 */
export function pageRedactionPlugin(config: PrivacyConfig = DEFAULT_PRIVACY): Plugin {
  const text = withUserPatterns(textRedactorFor(config), config);
  const redactNow = (ctx: Context): Context => {
    const event = ctx.event;
    const context = event.context;
    if (context?.page) context.page = redactPage(context.page, text);
    if (context?.campaign) context.campaign = redactValue(context.campaign, text) as typeof context.campaign;
    if (event.type === 'page' && event.properties) event.properties = redactPage(event.properties, text);
    return ctx;
  };
  // The library may describe a call (identify, a stored call) before the user's expressions are
  // compiled: it waits for them (and, should they never be, the redaction fails closed).
  const { expressions } = config;
  const ready = expressions.length ? prepareExpressions(expressions).catch(() => undefined) : undefined;
  const compiled = () => expressions.every(expression => compiledExpression(expression));
  const redact = (ctx: Context): Context | Promise<Context> =>
    !ready || compiled() ? redactNow(ctx) : ready.then(() => redactNow(ctx));
  return {
    name: 'Backstage privacy: page redaction',
    type: 'enrichment',
    version: '1.0.0',
    isLoaded: () => true,
    load: () => Promise.resolve(),
    track: redact,
    page: redact,
    identify: redact,
    group: redact,
    alias: redact,
    screen: redact,
  };
}
