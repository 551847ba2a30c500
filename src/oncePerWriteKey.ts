/**
 * Never twice: at most one sending instance per write key in a page.
 *
 * @remarks
 * A page can hold this module twice: registered in `apis.ts` and also loaded
 * as a Red Hat Developer Hub dynamic plugin, or listed twice in RHDH's
 * `analyticsApiExtensions`. Each copy is a separate bundle, so module-level
 * state is not shared; the claims live on `globalThis` under a `Symbol.for`
 * key, which every bundle (and every version of this package) in the page
 * sees. The value there is a `Set` of write keys: keep that shape, older
 * copies read it. (Jest tests forget it before each test, in setupTests.ts:
 * each test is a page of its own.)
 *
 * "The same" is the write key alone: it names the Segment source, and two
 * instances with one key put every event into that source twice, whichever
 * `apiHost` each goes through (a first-party proxy forwards to the same
 * source). Test mode claims its key too (an absent key counts as the empty
 * one), so it shows what production would send. An instance that sends
 * nothing claims nothing: `enabled: false`, a browser that opted out, a
 * construction that failed.
 */
export const WRITE_KEY_CLAIMS = Symbol.for('backstage-plugin-analytics-module-segment.claimedWriteKeys');

type Claims = Pick<Set<string>, 'has' | 'add'>;

function isClaims(value: unknown): value is Claims {
  return value instanceof Set;
}

/** The page's claims, created on first use; undefined when the page will not hold them. */
function pageClaims(page: Record<symbol, unknown>): Claims | undefined {
  const existing = page[WRITE_KEY_CLAIMS];
  if (isClaims(existing)) return existing;
  if (existing !== undefined) return undefined;
  const created = new Set<string>();
  try {
    Object.defineProperty(page, WRITE_KEY_CLAIMS, { value: created, configurable: true });
  } catch {
    return undefined;
  }
  return page[WRITE_KEY_CLAIMS] === created ? created : undefined;
}

/**
 * Claims `writeKey` for the calling instance. True when it is the first in
 * this page to do so (it may send); false when another instance already holds
 * the key: this one must stay off, and `logger` has received one warning
 * saying why.
 *
 * @remarks
 * A page whose global object cannot hold the claims (frozen, or the slot taken
 * by something else) lets every instance send rather than none: never twice is
 * a safeguard, not a reason to lose events.
 */
export function claimWriteKey(writeKey: string, logger: Pick<Console, 'warn'>, page: object = globalThis): boolean {
  let claims: Claims | undefined;
  try {
    claims = pageClaims(page as Record<symbol, unknown>);
    if (!claims || !claims.has(writeKey)) {
      claims?.add(writeKey);
      return true;
    }
  } catch {
    return true;
  }
  try {
    logger.warn(alreadyClaimedWarning(writeKey));
  } catch {
    // Nothing left to tell.
  }
  return false;
}

/** Whether an instance in this page has claimed `writeKey` (it sends, and reads what is kept for it). */
export function isWriteKeyClaimed(writeKey: string, page: object = globalThis): boolean {
  try {
    const claims = (page as Record<symbol, unknown>)[WRITE_KEY_CLAIMS];
    return isClaims(claims) && claims.has(writeKey);
  } catch {
    return false;
  }
}

function alreadyClaimedWarning(writeKey: string): string {
  const shown = writeKey === '' ? 'test mode without a write key' : `write key "${writeKey.slice(0, 6)}…"`;
  return (
    `Segment analytics: this instance stays off: another one in this page already handles ${shown}, ` +
    'and events must not be sent twice. The module is registered twice (for example in apis.ts and as a ' +
    'Red Hat Developer Hub dynamic plugin, or twice in analyticsApiExtensions): keep one.'
  );
}
