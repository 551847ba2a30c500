// No imports: this file is in the lazy chunk of the consent rules.

/** The parts of the browser that hold what the module and the library store. */
export type BrowserData = {
  localStorage?: Pick<Storage, 'length' | 'key' | 'removeItem' | 'getItem'>;
  document?: { cookie: string };
  hostname?: string;
  indexedDB?: Pick<IDBFactory, 'deleteDatabase'>;
};

/** The start of the cookie the module records whose identity the browser holds in, where localStorage refuses it (`delivery/ownerCookie.ts`). */
const OWNER_COOKIE_PREFIX = 'backstage-segment.';

/** The module's IndexedDB database: which page load took which stored call (`delivery/claimLedger.ts`). */
export const CLAIMS_DATABASE = 'backstage-segment';

/** The page's own stores; none where reaching them throws (a sandboxed frame). */
function pageBrowserData(): BrowserData {
  const read = <T>(get: () => T) => {
    try {
      return get();
    } catch {
      return undefined;
    }
  };
  if (typeof window === 'undefined') return {};
  return {
    localStorage: read(() => window.localStorage),
    document: read(() => window.document),
    hostname: read(() => window.location.hostname),
    indexedDB: read(() => window.indexedDB),
  };
}

/**
 * The localStorage keys of analytics in this origin: the module's
 * (`moduleKeys`: calls kept for the next load, the stored identity's owner;
 * and any `backstage-segment:` key, of an earlier write key too: what it
 * stored then is this browser's user's as well) and the library's (`ajs_*`
 * identity and traits, the persisted queues of `writeKeys`: the current one
 * and those the module's keys name).
 */
function isAnalyticsKey(key: string, writeKeys: readonly string[], moduleKeys: readonly string[]): boolean {
  return (
    moduleKeys.includes(key) ||
    key.startsWith('backstage-segment:') ||
    key.startsWith('ajs_') ||
    writeKeys.some(writeKey => key.startsWith(`persisted-queue:v1:${writeKey}:`))
  );
}

/** The analytics keys of `storage` (see {@link isAnalyticsKey}), of `writeKey` and of the earlier ones the module's keys name. */
function analyticsKeys(storage: Pick<Storage, 'length' | 'key'>, writeKey: string, moduleKeys: readonly string[]): string[] {
  const all: string[] = [];
  for (let i = 0; i < storage.length; i++) all.push(storage.key(i) ?? '');
  // The module's keys that name a write key (each page's copy of the kept calls too), as in dropKeptCalls.
  const earlier = all.map(key => /^backstage-segment:(.*):(?:pending|user|settings)(?::page-[\w-]+)?$/.exec(key)?.[1]).filter(k => k !== undefined);
  const writeKeys = [writeKey, ...(earlier as string[])];
  return all.filter(key => key !== '' && isAnalyticsKey(key, writeKeys, moduleKeys));
}

/**
 * What tells this browser's analytics period (from a "yes" to the next "no")
 * from the next one: the anonymous id the page's library holds (`ownId`),
 * and those kept now in localStorage and cookies.
 * Returns whether the browser holds anything of that period later (a
 * library's queue, kept calls or ids naming one of those ids); undefined
 * where no id is kept (nothing to tell by).
 */
export function periodOf(
  writeKey: string,
  moduleKeys: readonly string[],
  ownId?: string,
  browser: BrowserData = pageBrowserData(),
): (() => boolean) | undefined {
  const read = <T>(get: () => T, fallback: T) => {
    try {
      return get();
    } catch {
      return fallback; // a store that refuses to be read holds nothing this can tell
    }
  };
  const storage = browser.localStorage;
  const cookies = () => read(() => browser.document?.cookie ?? '', '');
  const ids = [
    ownId ?? '',
    read(() => storage?.getItem('ajs_anonymous_id') ?? '', ''),
    ...[...cookies().matchAll(/(?:^|;\s*)ajs_anonymous_id=([^;]*)/g)].map(([, id]) => read(() => decodeURIComponent(id), id)),
  ]
    .map(id => String(id).replace(/"/g, ''))
    .filter(id => id.length >= 8);
  if (!ids.length) return undefined;
  const texts = () => [
    cookies()
      .split(';')
      .filter(cookie => /^\s*(?:ajs_|backstage-segment\.)/.test(cookie))
      .join(';'),
    ...read(() => (storage ? analyticsKeys(storage, writeKey, moduleKeys).map(key => storage.getItem(key) ?? '') : []), []),
  ];
  return () => texts().some(text => ids.some(id => text.includes(id)));
}

/** `a.b.example.com` gives `a.b.example.com`, `b.example.com`, `example.com` (and `com`, refused by browsers). */
function domainsOf(hostname: string): string[] {
  const labels = hostname.split('.');
  return labels.map((_, i) => labels.slice(i).join('.')).filter(Boolean);
}

/** Expires cookie `name` of the host and of each domain above it (the library puts its own on the top one it may). */
function expireEverywhere(doc: { cookie: string }, name: string, hostname: string | undefined): void {
  const expired = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; path=/`;
  doc.cookie = expired;
  for (const domain of hostname ? domainsOf(hostname) : []) doc.cookie = `${expired}; domain=.${domain}`;
}

/**
 * Whether this module keeps an identity in this browser: its record of whose
 * identity the library holds (`backstage-segment:<writeKey>:user` in
 * localStorage, or its cookie; of any write key: the library's ids are one
 * for all), which a session of this module writes and a "no" removes;
 * another Segment instance never writes it. Never throws.
 */
export function holdsModuleIdentity(browser: BrowserData = pageBrowserData()): boolean {
  try {
    const storage = browser.localStorage;
    for (let i = 0; storage && i < storage.length; i++) if (/^backstage-segment:.*:user$/.test(storage.key(i) ?? '')) return true;
  } catch {
    // unreadable: nothing known there
  }
  try {
    return (browser.document?.cookie ?? '').split(';').some(c => /^backstage-segment\..*\.user=/.test(c.trim()));
  } catch {
    return false;
  }
}

/**
 * Removes the identity the Segment library keeps in this browser (its
 * anonymous id, user id, traits and group) from localStorage and, with
 * `cookies` (the library keeps it in cookies: not with
 * `agent.disableCookies`), its identity cookies on the host and each domain
 * above it, whoever wrote them: another Segment instance on the site writes
 * back, at its next call, the ids it holds, after a "no" removed them. Run
 * as the user switches analytics on, before the library's new instance reads
 * them, and before other tabs learn of the "yes" (they then take the id
 * this page's library makes, or make the one it takes). Never throws.
 */
export function forgetIdentity(cookies: boolean, browser: BrowserData = pageBrowserData()): void {
  const ids = ['ajs_anonymous_id', 'ajs_user_id', 'ajs_group_id'];
  for (const key of [...ids, 'ajs_user_traits', 'ajs_group_properties']) {
    try {
      browser.localStorage?.removeItem(key);
    } catch {
      // a store that refuses: the library cannot read it either
    }
  }
  const doc = cookies ? browser.document : undefined;
  for (const name of doc ? ids : []) {
    try {
      expireEverywhere(doc!, name, browser.hostname);
    } catch {
      // cookies refused: none to read either
    }
  }
}

/**
 * Removes everything the module and the Segment library stored in this
 * browser (`writeKey`'s and any earlier one's): the module's keys
 * (`moduleKeys`, `backstage-segment:*`), the library's `ajs_*` keys and
 * persisted queues in localStorage, and its `ajs_*` cookies, also those set
 * on a parent domain (the library puts them on the top domain it may), and
 * the module's record of whose identity that is where it is a cookie; and
 * the module's IndexedDB database of claims (messageIds and times: which
 * page load sent a stored call), deleted once its open connections close.
 * Never throws; returns what it removed, for tests and logs.
 */
export function forgetBrowserData(
  writeKey: string,
  moduleKeys: readonly string[],
  browser: BrowserData = pageBrowserData(),
): string[] {
  const removed: string[] = [];
  try {
    const storage = browser.localStorage;
    if (storage) {
      for (const key of analyticsKeys(storage, writeKey, moduleKeys)) {
        storage.removeItem(key);
        removed.push(key);
      }
    }
  } catch {
    // a store that refuses: nothing more to remove there
  }
  try {
    const doc = browser.document;
    if (doc) {
      const names = doc.cookie
        .split(';')
        .map(part => part.split('=')[0].trim())
        .filter(name => name.startsWith('ajs_') || name.startsWith(OWNER_COOKIE_PREFIX));
      for (const name of new Set(names)) {
        expireEverywhere(doc, name, browser.hostname);
        removed.push(`cookie ${name}`);
      }
    }
  } catch {
    // cookies refused: nothing more to remove there
  }
  try {
    if (browser.indexedDB) {
      browser.indexedDB.deleteDatabase(CLAIMS_DATABASE);
      removed.push(`indexedDB ${CLAIMS_DATABASE}`);
    }
  } catch {
    // IndexedDB refused: the module could not have written there either
  }
  return removed;
}
