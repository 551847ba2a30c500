import { createApiRef } from '@backstage/core-plugin-api';
import type { SegmentCategoryPreferences, SegmentConsentDecision } from './storedDecision';

/**
 * The user's choice about usage analytics, as known now.
 *
 * @remarks
 * `unknown` while the stored choice is being read. Otherwise `status` is the
 * decision in force: the user's own (`byUser: true`), or the configured
 * default (`consent.default`) where the user made none or it cannot be read.
 *
 * @public
 */
export type SegmentConsentState =
  | { status: 'unknown' }
  | {
      status: SegmentConsentDecision;
      /** Whether the user made this decision (else it is the configured default). */
      byUser: boolean;
      /** The Segment consent categories given with the decision, if any. */
      categoryPreferences?: SegmentCategoryPreferences;
      /** When the user decided (ISO 8601), if they did. */
      decidedAt?: string;
    };

/**
 * A subscription to {@link SegmentConsentApi.decision$}.
 *
 * @public
 */
export type SegmentConsentSubscription = { unsubscribe(): void };

/**
 * The changes of the user's choice: `subscribe` calls `next` at once with
 * the state known now, then with each change.
 *
 * @public
 */
export type SegmentConsentObservable = {
  subscribe(next: (state: SegmentConsentState) => void): SegmentConsentSubscription;
};

/**
 * Options of {@link SegmentConsentApi.setDecision}.
 *
 * @public
 */
export type SegmentConsentDecisionOptions = {
  /**
   * Segment consent categories (as your consent-management platform names
   * them); while the decision is `granted`, every message carries them in
   * `context.consent.categoryPreferences`.
   */
  categoryPreferences?: SegmentCategoryPreferences;
};

/**
 * Reads and sets the signed-in user's own choice about usage analytics; the
 * "Usage analytics" settings card uses it, and so can an app with its own
 * consent banner or consent-management platform.
 *
 * @remarks
 * The choice is kept through Backstage's StorageApi (bucket
 * `segment-analytics`, key `consent`): with the user-settings backend it
 * follows the user to every browser, otherwise it stays in this browser. A
 * change applies at once (and in the app's other tabs when the StorageApi
 * tells them, as the default browser storage does): `denied` stops sending and
 * removes what analytics stored in the browser; `granted` starts sending with
 * a fresh anonymous id.
 *
 * @public
 */
export interface SegmentConsentApi {
  /** The choice as known now (`unknown` while it is being read). */
  getDecision(): SegmentConsentState;
  /**
   * Stores the user's decision; resolves once stored. Where the StorageApi
   * cannot store it (the browser's storage is full, say), the decision
   * still applies to this page until it is reloaded, and the promise
   * rejects, saying so.
   */
  setDecision(decision: SegmentConsentDecision, options?: SegmentConsentDecisionOptions): Promise<void>;
  /** The choice now and each change of it. */
  decision$(): SegmentConsentObservable;
}

/**
 * The utility API reference of {@link SegmentConsentApi}. The New Frontend
 * System module provides it; in the legacy frontend system, register
 * `SegmentConsent.fromConfig` for it (see the README).
 *
 * @public
 */
export const segmentConsentApiRef = createApiRef<SegmentConsentApi>({
  id: 'plugin.analytics-module-segment.consent',
});
