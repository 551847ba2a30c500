/** One text kept in a cookie of the page's host: see {@link createOwnerCookie}. Never throws. */
export type CookieRecord = {
  /** The text, or undefined where there is none or cookies cannot be read. */
  read(): string | undefined;
  /** Keeps the text; false where the browser did not keep it (cookies blocked, refused or throwing). */
  write(value: string): boolean;
  /** Removes the cookie, where there is one. */
  remove(): void;
};

/** How long the record is kept from its last write, in seconds: a year, as the library's identity cookies. */
const KEPT_S = 365 * 24 * 60 * 60;

/** The name of the cookie that records a write key's owner where localStorage refuses it (see `createStoredOwner`). */
export function ownerCookieName(writeKey: string): string {
  return `backstage-segment.${writeKey}.user`;
}

/**
 * The cookie that records whose identity the browser holds where
 * localStorage refuses the record (full, or refusing writes): beside the
 * library's identity cookies, which keep the identity across loads then.
 * The page's host only (`path=/`, `SameSite=Lax`), a year from its last
 * write; the value percent-encoded. A write is read back: a browser that
 * drops cookies silently has kept nothing.
 */
export function createOwnerCookie(writeKey: string, doc: { cookie: string } | undefined = pageDocument()): CookieRecord {
  const name = ownerCookieName(writeKey);
  const read = () => {
    try {
      const value = cookieValue(name, doc);
      return value ? decodeURIComponent(value) : undefined;
    } catch {
      return undefined;
    }
  };
  const set = (value: string, maxAge: number) => {
    try {
      doc!.cookie = `${name}=${value}; path=/; max-age=${maxAge}; SameSite=Lax`;
    } catch {
      // no document, or cookies refused: nothing kept
    }
  };
  return {
    read,
    write(value) {
      set(encodeURIComponent(value), KEPT_S);
      return read() === value;
    },
    remove() {
      if (read() !== undefined) set('', 0);
    },
  };
}

/** A cookie's value as stored (not decoded), or undefined: none, or cookies cannot be read (a sandboxed page). */
export function cookieValue(name: string, doc: { cookie: string } | undefined = pageDocument()): string | undefined {
  try {
    return doc?.cookie
      .split('; ')
      .find(c => c.startsWith(`${name}=`))
      ?.slice(name.length + 1);
  } catch {
    return undefined;
  }
}

function pageDocument(): { cookie: string } | undefined {
  return typeof document === 'undefined' ? undefined : document;
}
