/**
 * The context fields `@segment/analytics-next`'s enrichment plugin (1.84)
 * sets on every event, in the order it sets them.
 */
const ENRICHED = ['userAgent', 'userAgentData', 'locale', 'library', 'campaign', 'amp', 'referrer', 'timezone'] as const;

/** What the plugin's output depends on, besides constants of the page (the library's version). */
type Inputs = {
  search: string;
  cookie: string;
  userAgent: string;
  language: unknown;
  offset: number;
  userAgentData: unknown;
  persistence: unknown;
};

/** What the guard reads of the plugin: what it read at load, and the options of the instance it was last loaded by. */
type EnrichmentPlugin = { userAgentData?: unknown; instance?: { options?: { disableClientPersistence?: unknown } } };

/**
 * The fields one run of the plugin set, in its order: undefined ones kept
 * apart (JSON drops them), the others as JSON would give them back.
 */
type Output = { inputs: Inputs; order: ReadonlyArray<readonly [string, boolean]>; values: Context };

type Context = Record<string, unknown>;
type EventContext = { event?: { context?: Context } };

function sameInputs(a: Inputs, b: Inputs): boolean {
  return (
    a.search === b.search &&
    a.cookie === b.cookie &&
    a.userAgent === b.userAgent &&
    a.language === b.language &&
    a.offset === b.offset &&
    a.userAgentData === b.userAgentData &&
    a.persistence === b.persistence
  );
}

/** `document.cookie`, or undefined where reading it throws. */
function cookiesNow(): string | undefined {
  try {
    return document.cookie;
  } catch {
    return undefined;
  }
}

/** The inputs of an event's enrichment; undefined when its output cannot be reused (or read). */
function readInputs(context: Context | undefined, plugin: EnrichmentPlugin): Inputs | undefined {
  if (!context) return undefined;
  for (const key of ENRICHED) if (key in context) return undefined;
  const page = context.page;
  if (typeof page !== 'object' || page === null) return undefined;
  // As the plugin reads it: a missing or empty query string is ''; any other non-string, it converts.
  const search = (page as { search?: unknown }).search;
  if (search && typeof search !== 'string') return undefined;
  // Cookies that cannot be read (a sandboxed page): the plugin itself runs, and its guard takes over.
  const cookie = cookiesNow();
  if (cookie === undefined) return undefined;
  return {
    search: (search as string | undefined) || '',
    cookie,
    userAgent: navigator.userAgent,
    language: (navigator as { userLanguage?: unknown }).userLanguage || navigator.language,
    offset: new Date().getTimezoneOffset(),
    userAgentData: plugin.userAgentData,
    // Whether it keeps an ad-click id in a cookie (read at each event).
    persistence: plugin.instance?.options?.disableClientPersistence,
  };
}

function record(inputs: Inputs, context: Context): Output | undefined {
  const present = ENRICHED.filter(key => key in context);
  const values = Object.fromEntries(present.filter(key => context[key] !== undefined).map(key => [key, context[key]]));
  try {
    const json = JSON.stringify(values);
    return { inputs, order: present.map(key => [key, context[key] === undefined] as const), values: JSON.parse(json) as Context };
  } catch {
    return undefined;
  }
}

/** A copy of a value JSON gave back (plain objects and arrays of strings, numbers, booleans and null). */
function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson);
  const copy: Context = {};
  for (const key of Object.keys(value)) {
    const member = copyJson((value as Context)[key]);
    // As JSON.parse makes it: `__proto__` an own member, not the prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: member, enumerable: true, writable: true, configurable: true });
    else copy[key] = member;
  }
  return copy;
}

/** Each event gets its own copy of the fields (a plugin after this one may change them). */
function replay(output: Output, context: Context): void {
  for (const [key, isUndefined] of output.order) context[key] = isUndefined ? undefined : copyJson(output.values[key]);
}

/**
 * The library's enrichment hook, run again only when what it reads has
 * changed: otherwise its last output is copied onto the event.
 *
 * @remarks
 * The plugin builds a time-zone formatter (`Intl.DateTimeFormat`, about a
 * tenth of a millisecond), parses the page's cookies and its query string
 * for every event, and its output depends only on the query string, the
 * cookies (an AMP id, an ad-click id it keeps), the user agent, the
 * browser's language, the time zone (followed by its offset), the client
 * hints it read at load, whether the instance it was loaded by keeps
 * anything in cookies, and constants of the page. An event whose context
 * already has one of the fields it sets, a query string that is not a
 * string, or cookies that cannot be read: the plugin runs as it is. Each
 * event gets its own copy of the fields, in the order the plugin sets them.
 *
 * @param plugin - the enrichment plugin (what it read at load is read from it)
 * @param enrich - one of its hooks
 */
export function reuseEnrichment<C extends EventContext>(plugin: object, enrich: (ctx: C) => unknown): (ctx: C) => unknown {
  let last: Output | undefined;
  return ctx => {
    const context = ctx?.event?.context;
    const inputs = readInputs(context, plugin as EnrichmentPlugin);
    if (inputs && context && last && sameInputs(last.inputs, inputs)) {
      replay(last, context);
      return ctx;
    }
    const result = enrich.call(plugin, ctx);
    if (inputs && context && result === ctx) {
      // The cookies as the plugin left them (it may have stored an ad-click id): the next
      // event finds them so unless something changed them since, which runs the plugin again.
      const after = cookiesNow();
      if (after !== undefined) last = record({ ...inputs, cookie: after }, context) ?? last;
    }
    return result;
  };
}
