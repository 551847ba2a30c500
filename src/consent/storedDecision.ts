import type { StorageApi } from '@backstage/core-plugin-api';
import { describeError } from '../warnSafely';

/** The StorageApi bucket the user's choice is kept in. */
export const CONSENT_BUCKET = 'segment-analytics';
/** The key of the user's choice in {@link CONSENT_BUCKET}. */
export const CONSENT_KEY = 'consent';

/**
 * A user's decision about usage analytics.
 *
 * @public
 */
export type SegmentConsentDecision = 'granted' | 'denied';

/**
 * Segment consent categories and whether the user allows each
 * (`{ Analytics: true, Advertising: false }`), as Segment's Consent
 * Management expects them in `context.consent.categoryPreferences`.
 *
 * @public
 */
export type SegmentCategoryPreferences = { [category: string]: boolean };

/** The stored form of a decision (a JSON value in the StorageApi). */
export type StoredDecision = {
  decision: SegmentConsentDecision;
  categoryPreferences?: SegmentCategoryPreferences;
  /** When the decision was made (ISO 8601). */
  decidedAt?: string;
};

/**
 * Where reading the stored decision is: `reading` until the StorageApi
 * answers; `read` with the decision, or without one (the user never
 * decided, or what is stored is not a decision); `failed` when the
 * StorageApi threw or its observable errored.
 */
export type StoredRead =
  | { kind: 'reading' }
  | { kind: 'read'; stored?: StoredDecision }
  | { kind: 'failed'; reason: string };

/** The decision of the configured regime, where the user made none. */
export function defaultDecision(config: { default: 'opt-out' | 'opt-in' }): SegmentConsentDecision {
  return config.default === 'opt-in' ? 'denied' : 'granted';
}

/** A stored value as a decision; undefined for anything else. Pure, never throws. */
export function parseStoredDecision(value: unknown): StoredDecision | undefined {
  try {
    if (typeof value !== 'object' || value === null) return undefined;
    const { decision, categoryPreferences, decidedAt } = value as Record<string, unknown>;
    if (decision !== 'granted' && decision !== 'denied') return undefined;
    const preferences = toPreferences(categoryPreferences);
    return {
      decision,
      ...(preferences && { categoryPreferences: preferences }),
      ...(typeof decidedAt === 'string' && { decidedAt }),
    };
  } catch {
    return undefined;
  }
}

/** Only boolean entries of a plain object; undefined when there are none. */
export function toPreferences(value: unknown): SegmentCategoryPreferences | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter(([, allowed]) => typeof allowed === 'boolean');
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** The bucket of the user's choice; throws where the StorageApi does. */
export function consentBucket(storageApi: StorageApi): StorageApi {
  return storageApi.forBucket(CONSENT_BUCKET);
}

/**
 * Follows the stored decision: `onRead` is called with each state read
 * (never with `reading`), at once when the StorageApi knows the value
 * synchronously. Never throws: a StorageApi that throws gives `failed`.
 * Returns a function that stops following.
 */
export function watchStoredDecision(storageApi: StorageApi, onRead: (read: StoredRead) => void): () => void {
  let subscription: { unsubscribe(): void } | undefined;
  let stopped = false;
  const fail = (error: unknown) => !stopped && onRead({ kind: 'failed', reason: describeError(error) });
  try {
    const bucket = consentBucket(storageApi);
    subscription = bucket.observe$(CONSENT_KEY).subscribe({
      next: snapshot => {
        if (stopped || snapshot?.presence === 'unknown') return;
        onRead({ kind: 'read', stored: snapshot?.presence === 'present' ? parseStoredDecision(snapshot.value) : undefined });
      },
      error: fail,
    });
    const snapshot = bucket.snapshot(CONSENT_KEY);
    if (snapshot?.presence !== 'unknown' && !stopped) {
      onRead({ kind: 'read', stored: snapshot?.presence === 'present' ? parseStoredDecision(snapshot.value) : undefined });
    }
  } catch (error) {
    fail(error);
  }
  return () => {
    stopped = true;
    try {
      subscription?.unsubscribe();
    } catch {
      // nothing to undo
    }
  };
}
