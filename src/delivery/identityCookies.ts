import Cookies from 'js-cookie';
import type { PersistentStore } from './pageLifeIdentity';
import { createOwnerCookie } from './ownerCookie';

/** How long `@segment/analytics-next` keeps its identity cookies, in days (from their last write). */
const KEPT_DAYS = 365;

/** The cookie the library sets on each candidate domain to find the widest one the browser accepts. */
const PROBE = '__tld__';

/**
 * The identity cookies (`ajs_user_id`, `ajs_anonymous_id`, `ajs_group_id`)
 * in the format `@segment/analytics-next` writes and reads them, as a store
 * for {@link keepIdentityForPageLife}: what keeps the identity across loads
 * where localStorage cannot be written but cookies can.
 *
 * @remarks
 * The same cookies as the library's: strings as they are, anything else as
 * JSON; one year from the last write, `path=/`, `SameSite=Lax`, on the widest
 * domain the browser accepts (none on an IP address or a single-label host).
 * So a browser moving between this store and the library's own (localStorage
 * full on one load and not on the next) keeps one identity: for that, a
 * value's copy in `localCopies()` (the page's localStorage, where the library
 * also keeps them) is removed as the cookie changes (removing works in a
 * full storage), or a copy from before would win over the cookie on a later
 * load whose localStorage works again.
 */
export function createIdentityCookies(hostname: string, localCopies?: () => Pick<Storage, 'removeItem'> | undefined): PersistentStore {
  const domain = widestCookieDomain(hostname);
  const attributes: Cookies.CookieAttributes = { expires: KEPT_DAYS, path: '/', sameSite: 'Lax', ...(domain && { domain }) };
  const dropLocalCopy = (key: string) => {
    try {
      localCopies?.()?.removeItem(key);
    } catch {
      // unreachable storage: no copy to win over the cookie either
    }
  };
  return {
    get: read,
    getConsistent: read,
    set(key, value) {
      dropLocalCopy(key);
      if (value === null || value === undefined) Cookies.remove(key, attributes);
      else Cookies.set(key, typeof value === 'string' ? value : JSON.stringify(value), attributes);
    },
    clear(key) {
      dropLocalCopy(key);
      Cookies.remove(key, attributes);
    },
  };
}

/**
 * The widest domain the browser lets this page set a cookie on, as the
 * library finds it: from the registrable end of the host name (`example.com`
 * of `backstage.eu.example.com`) towards the whole name, the first on which a
 * probe cookie can be set and read back (a public suffix such as `co.uk`
 * refuses it). Undefined for an IP address or a host of one label, or where
 * none is accepted: then the cookies are the host's own.
 */
export function widestCookieDomain(hostname: string): string | undefined {
  const labels = hostname.split('.');
  if (labels.length <= 1 || (labels.length === 4 && Number.parseInt(labels[3], 10) > 0)) return undefined;
  for (let start = labels.length - 2; start >= 0; start--) {
    const candidate = labels.slice(start).join('.');
    const attributes = { domain: `.${candidate}` };
    try {
      Cookies.set(PROBE, '1', attributes);
      if (Cookies.get(PROBE)) {
        Cookies.remove(PROBE, attributes);
        return candidate;
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The library's identity cookies. */
const IDENTITY_COOKIES = ['ajs_user_id', 'ajs_anonymous_id', 'ajs_group_id'];

/**
 * With `agent.disableCookies`: removes the library's identity cookies that
 * copy what `localStorage()` holds (earlier loads kept both, the cookies on
 * the widest domain, where every site under it reads them), on this host and
 * each domain above it, and the module's own record of `writeKey`'s owner
 * (see `createOwnerCookie`). A cookie with another value (another Segment
 * instance's identity) is left alone. Never throws.
 */
export function removeCookieCopies(hostname: string, localStorage: () => Pick<Storage, 'getItem'> | undefined, writeKey: string): void {
  for (const name of IDENTITY_COOKIES) {
    try {
      const kept = localStorage()?.getItem(name);
      if (kept !== null && kept !== undefined && read(name) === JSON.parse(kept)) removeEverywhere(name, hostname);
    } catch {
      // unreadable storage or cookies: nothing known to be a copy
    }
  }
  createOwnerCookie(writeKey).remove();
}

/** A library cookie's value: strings as they are, anything else as JSON; null where there is none. */
function read(key: string): unknown {
  const value = Cookies.get(key);
  if (value === undefined) return null;
  try {
    return JSON.parse(value) ?? null;
  } catch {
    return value;
  }
}

/** Removes cookie `name` of this host and of each domain above it. Never throws. */
function removeEverywhere(name: string, hostname: string): void {
  const labels = hostname.split('.');
  try {
    Cookies.remove(name, { path: '/' });
    for (let i = 0; i < labels.length; i++) Cookies.remove(name, { path: '/', domain: `.${labels.slice(i).join('.')}` });
  } catch {
    // cookies refused: none to read back either
  }
}
