import type { BrowserStorageState, StorageAccess } from './storageProbe';

// In the library's lazy chunk: the warning is given as the library loads.

/** What went wrong with one store, in words. */
function fault(what: string, access: Exclude<StorageAccess, { kind: 'usable' }>): string {
  if (access.kind === 'unavailable') return `${what} cannot be used (${access.reason})`;
  return access.full ? `${what} is full (${access.reason})` : `${what} cannot be written (${access.reason})`;
}

/**
 * The one warning telling what the page's storage does and what the module
 * does about it; undefined when both stores are usable, or localStorage is
 * and cookies are not used (`cookiesOff`: `agent.disableCookies`).
 */
export function storageWarning({ localStorage, cookies }: BrowserStorageState, cookiesOff = false): string | undefined {
  if (localStorage.kind === 'usable' && (cookiesOff || cookies.kind === 'usable')) return undefined;
  const faults = [
    ...(localStorage.kind === 'usable' ? [] : [fault('localStorage', localStorage)]),
    ...(cookiesOff || cookies.kind === 'usable' ? [] : [fault('cookies', cookies)]),
  ];
  const identity =
    cookies.kind === 'usable' ? '; the anonymous id is kept in a cookie' : ', and the anonymous id does not survive a reload';
  const consequence =
    localStorage.kind === 'usable'
      ? 'analytics keeps working: the anonymous id is kept in localStorage only'
      : `analytics keeps working from memory: events are still sent, but those not yet sent when the page is left may be lost${identity}`;
  return `Segment analytics: ${faults.join(' and ')}; ${consequence}`;
}
