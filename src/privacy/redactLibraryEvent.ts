import { REDACTED } from './PrivacyConfig';
import { redactPage, redactValue, Rewriter } from './redactCall';
import type { UserPseudonyms } from './userPseudonyms';

/** The parts of a Segment library event this step looks at. */
export type LibraryEvent = {
  type?: string;
  context?: Record<string, any>;
  properties?: Record<string, any>;
  traits?: Record<string, any>;
};

/** See {@link createLibraryRedaction}. */
export type LibraryRedaction = (event: LibraryEvent) => void | Promise<void>;

/**
 * What the privacy step gives the library's plugin to build its redaction
 * from (the redaction itself lives in the library's lazy chunk).
 */
export type LibraryRedactionParts = {
  /** How strings are rewritten; refs not known yet are added to `missing`. */
  rewriter: (missing?: Set<string>) => Rewriter;
  /** With a user id transform. */
  pseudonyms?: UserPseudonyms;
  /**
   * With user expressions: settles once the engine has compiled them. Until
   * then the rewriter fails closed (every string redacted), so the plugin
   * waits for it.
   */
  ready?: Promise<unknown>;
};

/** Context members the module sets itself and that are ids, not text: never rewritten. */
const OWN_CONTEXT_IDS = new Set(['groupId']);

/** What this step sets on an event: computed first, assigned only when complete. */
type Rewritten = Pick<LibraryEvent, 'context' | 'properties' | 'traits'>;

function rewrite(event: LibraryEvent, rw: Rewriter, pseudonymized: boolean): Rewritten {
  const out: Rewritten = {};
  if (event.context && typeof event.context === 'object') {
    const context: Record<string, any> = {};
    for (const key of Object.keys(event.context)) {
      // `context.traits`: the module never sets it; anything there is someone else's.
      if (key === 'traits') continue;
      const value = event.context[key];
      context[key] = OWN_CONTEXT_IDS.has(key) ? value : redactValue(value, rw);
    }
    out.context = context;
  }
  if (event.type === 'page' && event.properties) out.properties = redactPage(event.properties, rw);
  // Traits are the module's to decide: identify carries none, group only the
  // group's name, and that only without a transform. Whatever the library
  // merged in from the browser's storage (another analytics.js, an older setup) is dropped.
  if (event.type === 'identify') out.traits = {};
  if (event.type === 'group') {
    const name = event.traits?.name;
    out.traits = !pseudonymized && typeof name === 'string' ? { name: rw.text(name) } : {};
  }
  return out;
}

/** Used when rewriting failed: nothing the library read from the page or storage is left. */
function scrub(event: LibraryEvent) {
  const page = event.context?.page;
  event.context = { ...event.context };
  delete event.context.traits;
  delete event.context.campaign;
  delete event.context.referrer;
  if (page) event.context.page = Object.fromEntries(Object.keys(page).map(key => [key, REDACTED]));
  if (event.type === 'page' && event.properties) event.properties = redactPage(event.properties, () => REDACTED);
  if (event.type === 'identify' || event.type === 'group') event.traits = {};
}

/**
 * The last look at every event inside the Segment library, before any
 * destination: rewrites what the library adds itself. Every string of
 * `context` (`page` as read from `location` for `identify`, `group` and the
 * library's own page calls, should it make one; `campaign` parsed from `utm_*`, `referrer`,
 * ...; keys too), but the module's `groupId`, goes through the module's
 * redaction and user-ref pseudonyms, and so do the page fields of a page
 * call's properties; `context.traits` is dropped; traits are the module's
 * (see above).
 *
 * @remarks
 * Changes `event` in place, all at once. When a user ref's pseudonym must
 * be worked out first, returns a promise that resolves once it is done;
 * never rejects, never leaves plaintext: on any failure the page, campaign
 * and referrer the library read are replaced by the redaction mark.
 */
export function createLibraryRedaction({ rewriter, pseudonyms }: LibraryRedactionParts): LibraryRedaction {
  const apply = (event: LibraryEvent, missing?: Set<string>) => {
    const out = rewrite(event, rewriter(missing), !!pseudonyms);
    if (missing?.size) return false;
    Object.assign(event, out);
    return true;
  };
  return event => {
    try {
      const missing = new Set<string>();
      if (apply(event, missing) || !pseudonyms) return undefined;
      return pseudonyms
        .learn(missing)
        .then(() => {
          apply(event);
        })
        .catch(() => scrub(event));
    } catch {
      scrub(event);
      return undefined;
    }
  };
}
