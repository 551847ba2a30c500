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

/** A decision this page could not save, and who follows the decision in this page, per StorageApi. */
type PageDecision = { unsaved?: StoredDecision; followers: Set<(read: StoredRead) => void> };
const pageDecisions = new WeakMap<StorageApi, PageDecision>();

function pageDecisionOf(storageApi: StorageApi): PageDecision {
  let page = pageDecisions.get(storageApi);
  if (!page) pageDecisions.set(storageApi, (page = { followers: new Set() }));
  return page;
}

/** A decision made in this page that the StorageApi could not save (it applies to the page until reloaded). */
export function unsavedDecision(storageApi: StorageApi): StoredDecision | undefined {
  return pageDecisionOf(storageApi).unsaved;
}

/**
 * Saves a decision. Where the StorageApi refuses it (the browser's storage
 * is full, say), the decision still applies to this page, at once (saying no
 * stops sending and removes what analytics stored, which may free the room
 * needed: the save is then tried once more), until the page is reloaded or a
 * stored decision replaces it; the promise then rejects, saying so.
 */
export async function saveDecision(storageApi: StorageApi, stored: StoredDecision): Promise<void> {
  const page = pageDecisionOf(storageApi);
  const save = async () => {
    await consentBucket(storageApi).set(CONSENT_KEY, stored);
    page.unsaved = undefined;
  };
  try {
    await save();
  } catch (error) {
    page.unsaved = stored;
    for (const follower of [...page.followers]) follower({ kind: 'read', stored });
    await save().catch(() => {
      throw new Error(`it applies to this page until it is reloaded (${describeError(error)})`);
    });
  }
}

/**
 * Follows the stored decision: `onRead` is called with each state read
 * (never with `reading`), at once when the StorageApi knows the value
 * synchronously. A decision this page could not save counts as stored until
 * the StorageApi tells of a stored one (see {@link saveDecision}). Never
 * throws: a StorageApi that throws gives `failed`. Returns a function that
 * stops following.
 */
export function watchStoredDecision(storageApi: StorageApi, onRead: (read: StoredRead) => void): () => void {
  let subscription: { unsubscribe(): void } | undefined;
  let stopped = false;
  const page = pageDecisionOf(storageApi);
  const follower = (read: StoredRead) => !stopped && onRead(read);
  page.followers.add(follower);
  const fail = (error: unknown) => follower({ kind: 'failed', reason: describeError(error) });
  const readOf = (snapshot: { presence?: string; value?: unknown } | undefined): StoredRead => ({
    kind: 'read',
    stored: snapshot?.presence === 'present' ? parseStoredDecision(snapshot.value) : undefined,
  });
  try {
    const bucket = consentBucket(storageApi);
    subscription = bucket.observe$(CONSENT_KEY).subscribe({
      next: snapshot => {
        if (stopped || snapshot?.presence === 'unknown') return;
        page.unsaved = undefined;
        onRead(readOf(snapshot));
      },
      error: fail,
    });
    const snapshot = bucket.snapshot(CONSENT_KEY);
    if (page.unsaved) follower({ kind: 'read', stored: page.unsaved });
    else if (snapshot?.presence !== 'unknown') follower(readOf(snapshot));
  } catch (error) {
    fail(error);
  }
  return () => {
    stopped = true;
    page.followers.delete(follower);
    try {
      subscription?.unsubscribe();
    } catch {
      // nothing to undo
    }
  };
}
