import { describeError } from '../warnSafely';
import type { KeyValueStorage } from './callStore';

/**
 * What a page may do with one kind of browser storage, found by trying it:
 * `usable`; `readOnly` (reads work, writes throw: the origin's quota is full,
 * or writing is refused); `unavailable` (even reading throws: a sandboxed or
 * opaque-origin page, storage disabled by policy).
 */
export type StorageAccess =
  | { kind: 'usable' }
  | { kind: 'readOnly'; full: boolean; reason: string }
  | { kind: 'unavailable'; reason: string };

/** The two stores the Segment library keeps its identity in. */
export type BrowserStorageState = { localStorage: StorageAccess; cookies: StorageAccess };

/** The access of a store that works. */
export const USABLE: StorageAccess = { kind: 'usable' };

/** The key written (then removed) to see whether localStorage takes writes. */
export const PROBE_KEY = 'backstage-segment:probe';

/**
 * Size of the probe's value: more than the library writes at once while it
 * loads (a lock of some 100 characters), so that storage with less room than
 * that left counts as full instead of failing the library's load.
 */
const PROBE_VALUE = 'x'.repeat(512);

/** The name and code of a thrown DOMException (or anything else: then neither). */
function nameAndCode(error: unknown): { name?: unknown; code?: unknown } {
  try {
    const { name, code } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; code?: unknown };
    return { name, code };
  } catch {
    return {}; // a hostile object whose getters throw
  }
}

/** True for the errors browsers throw when an origin's storage quota is exhausted. */
export function isQuotaError(error: unknown): boolean {
  const { name, code } = nameAndCode(error);
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22 || code === 1014;
}

/** True for what storage throws when it is full or refuses access: the library's load fails with it. */
export function isStorageFailure(error: unknown): boolean {
  return isQuotaError(error) || nameAndCode(error).name === 'SecurityError';
}

/**
 * Tries localStorage: reaching it and reading, then writing and removing a
 * probe value. Never throws. `storage` returns the page's localStorage (may
 * throw, as a sandboxed page's does).
 */
export function probeLocalStorage(storage: () => KeyValueStorage | null | undefined): StorageAccess {
  let target: KeyValueStorage | null | undefined;
  try {
    target = storage();
    if (!target) return { kind: 'unavailable', reason: 'there is no localStorage' };
    target.getItem(PROBE_KEY);
  } catch (error) {
    return { kind: 'unavailable', reason: describeError(error) };
  }
  try {
    target.setItem(PROBE_KEY, PROBE_VALUE);
    target.removeItem(PROBE_KEY);
    return USABLE;
  } catch (error) {
    return { kind: 'readOnly', full: isQuotaError(error), reason: describeError(error) };
  }
}
