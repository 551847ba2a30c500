import { describeError } from '../warnSafely';
import { StorageAccess, USABLE } from './storageProbe';

// In the library's lazy chunk: cookies are probed as the library loads.

const PROBE_COOKIE = 'backstage-segment-probe';

/** Cookies as `agent.disableCookies` leaves them: not used (nor probed). */
export const COOKIES_OFF: StorageAccess = { kind: 'unavailable', reason: 'agent.disableCookies' };

/**
 * Tries `document.cookie`: reading it, writing a probe cookie (for 10 s at
 * most), reading it back, and removing it. A browser that blocks cookies for
 * the site ignores the write without an error: unavailable, as when it
 * throws. Never throws.
 */
export function probeCookies(doc: { cookie: string } | undefined): StorageAccess {
  if (!doc) return { kind: 'unavailable', reason: 'there is no document' };
  try {
    void doc.cookie;
  } catch (error) {
    return { kind: 'unavailable', reason: describeError(error) };
  }
  try {
    doc.cookie = `${PROBE_COOKIE}=1; max-age=10; path=/`;
    const kept = doc.cookie.split('; ').includes(`${PROBE_COOKIE}=1`);
    doc.cookie = `${PROBE_COOKIE}=; max-age=0; path=/`;
    return kept ? USABLE : { kind: 'unavailable', reason: 'the browser keeps no cookies for this site' };
  } catch (error) {
    return { kind: 'readOnly', full: false, reason: describeError(error) };
  }
}
