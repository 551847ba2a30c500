/** The page-global slot (shared by every bundle of the package in a page, as for `claimWriteKey`). */
const SLOT = Symbol.for('backstage-plugin-analytics-module-segment.consent-followed');

/** Records that an analytics instance in this page follows the user's stored choice. */
export function markChoiceFollowed(): void {
  try {
    (globalThis as Record<symbol, unknown>)[SLOT] = true;
  } catch {
    // a frozen global: the card then offers no switch, which is the safe side
  }
}

/**
 * Whether an analytics instance in this page follows the user's choice (it
 * was given a StorageApi): only then does the settings card offer a switch,
 * so that it never shows a choice that nothing honours.
 */
export function isChoiceFollowed(): boolean {
  return (globalThis as Record<symbol, unknown>)[SLOT] === true;
}
