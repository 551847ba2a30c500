/** The page-global slot (shared by every bundle of the package in a page, as for `claimWriteKey`). */
const SLOT = Symbol.for('backstage-plugin-analytics-module-segment.consent-followed');

/** The slot: `true` when an analytics instance follows the user's choice, `'running'` when one runs (sends, or logs in test mode). */
const slot = () => (globalThis as Record<symbol, unknown>)[SLOT];

function mark(value: true | 'running'): void {
  try {
    (globalThis as Record<symbol, unknown>)[SLOT] = value;
  } catch {
    // a frozen global: the card then offers no switch, which is the safe side
  }
}

/** Records that an analytics instance in this page follows the user's stored choice. */
export function markChoiceFollowed(): void {
  mark(true);
}

/** Records that an analytics instance runs in this page (its config was valid, the browser did not opt out). */
export function markAnalyticsRunning(): void {
  if (!slot()) mark('running');
}

/**
 * Whether an analytics instance in this page follows the user's choice (it
 * was given a StorageApi): only then does the settings card offer a switch,
 * so that it never shows a choice that nothing honours.
 */
export function isChoiceFollowed(): boolean {
  return slot() === true;
}

/** Whether an analytics instance runs in this page: else the card says analytics is off. */
export function isAnalyticsRunning(): boolean {
  return !!slot();
}
