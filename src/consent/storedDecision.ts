import type { StorageApi } from '@backstage/core-plugin-api';
import { describeError } from '../warnSafely';
import { CONSENT_KEY, consentBucket, pageDecisionOf, toPreferences } from './pageDecision';

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
  /**
   * A "yes": when the "no" it follows was made (that decision's
   * `decidedAt`); a "yes" after a "yes" keeps the one of the decision it
   * follows; absent before any "no". It names the "on" period the "yes"
   * belongs to: a page whose session began before that "no" was switched
   * off and on again without seeing it (frozen, in the back/forward cache).
   */
  offAt?: string;
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
    const { decision, categoryPreferences, decidedAt, offAt } = value as Record<string, unknown>;
    if (decision !== 'granted' && decision !== 'denied') return undefined;
    const preferences = toPreferences(categoryPreferences);
    return {
      decision,
      ...(preferences && { categoryPreferences: preferences }),
      ...(typeof decidedAt === 'string' && { decidedAt }),
      ...(decision === 'granted' && typeof offAt === 'string' && { offAt }),
    };
  } catch {
    return undefined;
  }
}

/** Whether a stored decision replaces the page's own: made at the same time or later. */
export function replaces(stored: StoredDecision | undefined, own: StoredDecision): boolean {
  const at = (d: StoredDecision | undefined) => Date.parse(d?.decidedAt ?? '');
  return stored !== undefined && at(stored) >= at(own);
}

/**
 * Follows the stored decision: `onRead` is called with each state read
 * (never with `reading`), at once when the StorageApi knows the value
 * synchronously. A decision made in this page counts as stored until the
 * StorageApi tells of one at least as recent (see {@link saveDecision}). Never
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
  /**
   * What a stored read means for the page: the page's own latest decision
   * holds against an absent or older stored one (a settings backend that
   * cannot be reached tells each new subscriber "absent"; two saves of this
   * page may be answered out of order); it is what this page last saw.
   */
  const applied = (read: { kind: 'read'; stored?: StoredDecision }): { kind: 'read'; stored?: StoredDecision } => {
    const mine = page.unsaved ?? page.own;
    if (mine && !replaces(read.stored, mine)) return { kind: 'read', stored: mine };
    page.unsaved = undefined;
    page.seen = read;
    return read;
  };
  const readOf = (snapshot: { presence?: string; value?: unknown } | undefined): { kind: 'read'; stored?: StoredDecision } => ({
    kind: 'read',
    stored: snapshot?.presence === 'present' ? parseStoredDecision(snapshot.value) : undefined,
  });
  let readAgain: ((denialOnly?: boolean) => void) | undefined;
  // A page that ran again (frozen, or kept in the back/forward cache, which tells it nothing meanwhile) reads the
  // choice again before anything else of it runs: registered before the first read starts a delivery. So does a
  // page being left, for a "no" only: another tab's, stored, whose telling is queued behind a long task of this page
  // (its delivery hands its calls over as the page is left, after this).
  const ranAgain = (event: Event) => {
    if (event.type === 'pageshow') {
      if ((event as PageTransitionEvent).persisted) readAgain?.();
    } else readAgain?.(event.type !== 'resume');
  };
  const events = pageEvents();
  events.forEach(([target, type]) => target.addEventListener(type, ranAgain));
  try {
    const bucket = consentBucket(storageApi);
    subscription = bucket.observe$(CONSENT_KEY).subscribe({
      next: snapshot => {
        if (!stopped && snapshot?.presence !== 'unknown') onRead(applied(readOf(snapshot)));
      },
      error: fail,
    });
    /** The stored choice where the StorageApi knows it at once; whether it did. */
    const readSnapshot = (denialOnly?: boolean) => {
      const snapshot = bucket.snapshot(CONSENT_KEY);
      if (snapshot?.presence === 'unknown') return false;
      const read = readOf(snapshot);
      if (!denialOnly || read.stored?.decision === 'denied') follower(applied(read));
      return true;
    };
    if (!readSnapshot() && page.unsaved) follower({ kind: 'read', stored: page.unsaved });
    readAgain = denialOnly => {
      try {
        readSnapshot(denialOnly);
      } catch {
        // not known at once: the StorageApi tells through its observable
      }
    };
  } catch (error) {
    fail(error);
  }
  return () => {
    stopped = true;
    events.forEach(([target, type]) => target.removeEventListener(type, ranAgain));
    page.followers.delete(follower);
    try {
      subscription?.unsubscribe();
    } catch {
      // nothing to undo
    }
  };
}

/**
 * Where a page that runs again is told so: `pageshow` (persisted: from the
 * back/forward cache) and `resume` (frozen); and one being left:
 * `beforeunload` and `pagehide` (as delivery hears of it).
 */
function pageEvents(): Array<[EventTarget, string]> {
  try {
    return typeof window === 'undefined'
      ? []
      : [
          [window, 'pageshow'],
          [window.document, 'resume'],
          [window, 'beforeunload'],
          [window, 'pagehide'],
        ];
  } catch {
    return [];
  }
}
