import type { SwitchOffMark } from './consentedDelivery';

// Only a type from outside: this file is in the lazy chunk of the consent rules.

/**
 * Where the pages of this browser record when analytics was last switched
 * off in one of them: a localStorage key outside the module's
 * `backstage-segment:` keys, which a switch-off removes. It holds a time,
 * nothing of the user's events or identity.
 */
export const SWITCHED_OFF_KEY = 'backstage-segment-consent:switched-off-at';

/**
 * A {@link SwitchOffMark} in `storage` (read at each use); never throws:
 * where localStorage cannot be reached or refuses the write, pages know
 * only the switch-offs they are told of.
 */
export function switchOffMark(storage: () => Pick<Storage, 'getItem' | 'setItem'> | undefined = () => window.localStorage): SwitchOffMark {
  return {
    read() {
      try {
        const at = Number(storage()?.getItem(SWITCHED_OFF_KEY));
        return Number.isFinite(at) && at > 0 ? at : undefined;
      } catch {
        return undefined;
      }
    },
    write(at) {
      try {
        storage()?.setItem(SWITCHED_OFF_KEY, String(at));
      } catch {
        // a storage that refuses it: other pages are not told
      }
    },
  };
}
