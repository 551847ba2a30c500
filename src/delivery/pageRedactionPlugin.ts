import type { Context, Plugin } from '@segment/analytics-next';
import { fitLibraryEvent } from '../mapping/fitLibraryEvent';
import { createLibraryRedaction, LibraryEvent, LibraryRedactionParts } from '../privacy/redactLibraryEvent';

/**
 * An enrichment plugin for `@segment/analytics-next` that hands every event
 * to the module's privacy step (`Privacy.library`) before any destination
 * sees it: what the library adds itself (`context.page` read from
 * `location` for `identify`, `group` and any page call of its own; the `context.campaign` it parses from `utm_*`;
 * `context.referrer`; traits it merges in from the browser's storage) is
 * redacted and pseudonymized like the module's own calls, then cut to
 * Segment's size limit where it is over (see `fitLibraryEvent`).
 *
 * @remarks
 * The module's own page and track calls arrive already redacted (redaction
 * and pseudonyms are idempotent). Enrichment plugins run after the
 * library's own `before` plugins, which add the campaign and the referrer.
 * With user expressions, an event the library describes before the engine
 * has compiled them (identify, a call from its stored queue) waits for it;
 * should it never compile, the redaction fails closed.
 */
export function pageRedactionPlugin(parts: LibraryRedactionParts): Plugin {
  const redact = createLibraryRedaction(parts);
  let ready = !parts.ready;
  const engine = parts.ready?.then(
    () => {
      ready = true;
    },
    () => {
      ready = true;
    },
  );
  // Redacted, then cut to Segment's size limit (a long URL is in the page the library read, twice).
  const fitted = (ctx: Context) => {
    fitLibraryEvent(ctx.event as LibraryEvent);
    return ctx;
  };
  const redactNow = (ctx: Context): Context | Promise<Context> => {
    const pending = redact(ctx.event as LibraryEvent);
    return pending ? pending.then(() => fitted(ctx)) : fitted(ctx);
  };
  const run = (ctx: Context): Context | Promise<Context> =>
    ready || !engine ? redactNow(ctx) : engine.then(() => redactNow(ctx));
  return {
    name: 'Backstage privacy: page redaction',
    type: 'enrichment',
    version: '2.0.0',
    isLoaded: () => true,
    load: () => Promise.resolve(),
    track: run,
    page: run,
    identify: run,
    group: run,
    alias: run,
    screen: run,
  };
}
