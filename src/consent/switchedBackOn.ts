import type { BrowserMark } from './consentedDelivery';

// Only a type from outside: this file is in the lazy chunk of the consent rules.

/**
 * Where the pages of this browser record when analytics was last switched
 * back on in one of them after it had been off: a localStorage key beside
 * the module's others (`backstage-segment:`), so that a switch-off removes it
 * with them. It holds a time, nothing of the user's events or identity.
 */
export const SWITCHED_BACK_ON_KEY = 'backstage-segment:switched-back-on-at';

/**
 * A {@link BrowserMark} in `storage` (read at each use); never throws:
 * where localStorage cannot be reached or refuses the write, pages know
 * only the switches they are told of.
 */
export function switchedBackOnMark(storage: () => Pick<Storage, 'getItem' | 'setItem'> | undefined = () => window.localStorage): BrowserMark {
  return {
    read() {
      try {
        const at = Number(storage()?.getItem(SWITCHED_BACK_ON_KEY));
        return Number.isFinite(at) && at > 0 ? at : undefined;
      } catch {
        return undefined;
      }
    },
    write(at) {
      try {
        storage()?.setItem(SWITCHED_BACK_ON_KEY, String(at));
      } catch {
        // a storage that refuses it: other pages are not told
      }
    },
  };
}
