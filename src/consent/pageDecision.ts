import type { StorageApi } from '@backstage/core-plugin-api';
import { describeError } from '../warnSafely';
import type { SegmentCategoryPreferences, StoredDecision, StoredRead } from './storedDecision';

// What a decision made in this page needs at once, on the app's first load
// (`SegmentConsent.setDecision`); reading and following stored decisions is
// in `storedDecision.ts`, in a lazy chunk.

/** The StorageApi bucket the user's choice is kept in. */
const CONSENT_BUCKET = 'segment-analytics';
/** The key of the user's choice in {@link CONSENT_BUCKET}. */
export const CONSENT_KEY = 'consent';

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
 * The decision made in this page and not stored (yet); the stored one last
 * read or saved in this page (`seen`; `stored` absent: none stored), for a
 * StorageApi whose snapshot never knows (the user-settings backend's only
 * tells through `observe$`); and who follows the decision in this page.
 */
export type PageDecision = {
  unsaved?: StoredDecision;
  /** The latest decision made in this page: a stored one older than it is not this page's choice. */
  own?: StoredDecision;
  /**
   * What decision `of` (this page's, made by this code) replaced, as the page
   * knew it then: the latest decision it knew of (for one restating the
   * page's own before it, what that one replaced), `none` where the store
   * was known to hold none; undefined where that was not known (a StorageApi
   * that tells only later). Taken once the switch it made is applied.
   */
  ownReplaced?: { of: StoredDecision; replaced?: 'granted' | 'denied' | 'none' };
  seen?: { stored?: StoredDecision };
  followers: Set<(read: StoredRead) => void>;
};

/**
 * Per consent bucket (StorageApis hand out one object per bucket), shared by
 * every copy of this code in the page: two roots over one storage, or two
 * copies of the package, follow one decision.
 */
const PAGE_DECISIONS = Symbol.for('backstage-plugin-analytics-module-segment:page-decisions');

/** The page's shared decision state for the consent bucket of `storageApi` (made on first use). */
export function pageDecisionOf(storageApi: StorageApi): PageDecision {
  const global = globalThis as { [PAGE_DECISIONS]?: WeakMap<object, PageDecision> };
  const all = (global[PAGE_DECISIONS] ??= new WeakMap());
  let bucket: object = storageApi;
  try {
    bucket = consentBucket(storageApi);
  } catch {
    // a StorageApi without buckets: its root stands for the bucket
  }
  let page = all.get(bucket);
  if (!page) all.set(bucket, (page = { followers: new Set() }));
  return page;
}

/** The decision made in this page and not stored (yet): it applies to the page until a stored one replaces it. */
export function unsavedDecision(storageApi: StorageApi): StoredDecision | undefined {
  return pageDecisionOf(storageApi).unsaved;
}

/**
 * When a decision made now is said to be made: now, or just after the latest
 * decision this page knows of (its own, the one it last read or saved, the
 * stored one where the StorageApi tells at once), whichever is later. So a
 * decision is always later than those it replaces, which the other tabs
 * follow by time: a wall clock stepped back since (NTP, a user, another
 * device's clock) does not make it look older. A "yes" carries the "on"
 * period of that latest decision (`StoredDecision.offAt`): the time of that
 * decision where it is a "no", so that two tabs answering one "no" with a
 * "yes" are in one period.
 */
function timed(storageApi: StorageApi, decision: StoredDecision): StoredDecision {
  const page = pageDecisionOf(storageApi);
  let snapshot: { presence?: string; value?: unknown } | undefined;
  try {
    snapshot = consentBucket(storageApi).snapshot(CONSENT_KEY);
  } catch {
    // not known at once
  }
  const stored = snapshot?.value;
  let last: Partial<StoredDecision> | undefined;
  // The latest time a Date holds: past it, just after would be no time at all.
  let latest = -Infinity;
  for (const known of [page.own, page.seen?.stored, stored] as Array<Partial<StoredDecision> | undefined>) {
    const at = Date.parse(known?.decidedAt ?? '');
    if (at < 8.64e15 && at >= latest) [latest, last] = [at, known];
  }
  const none = snapshot?.presence === 'absent' || (page.seen && !page.seen.stored);
  let replaced: NonNullable<PageDecision['ownReplaced']>['replaced'] = last?.decision === 'granted' || last?.decision === 'denied' ? last.decision : undefined;
  if (!last && none) replaced = 'none';
  // Restating the page's own latest decision (or its stored copy): what that one replaced, this one does.
  const own = page.own;
  if (own && last?.decidedAt === own.decidedAt && own.decision === decision.decision) {
    replaced = page.ownReplaced?.of === own ? page.ownReplaced.replaced : undefined;
  }
  const decidedAt = new Date(Math.max(Date.now(), latest + 1)).toISOString();
  const offAt = last?.decision === 'denied' ? last.decidedAt : last?.offAt;
  const made = { ...decision, decidedAt, ...(decision.decision === 'granted' && typeof offAt === 'string' && { offAt }) };
  page.ownReplaced = { of: made, replaced };
  return made;
}

/**
 * Saves a decision made in this page. It applies to the page at once, in
 * everything that follows the decision, before the StorageApi answers (a
 * slow or hanging save delays nothing), until a stored decision at least as
 * recent replaces it (this one, once stored; another tab's). Where the
 * StorageApi refuses it (the browser's storage is full, the settings backend
 * is down), it goes on applying until the page is reloaded, and the promise
 * rejects, saying so. A "no" is tried twice: it removes what analytics
 * stored in the browser, which may free the room needed.
 */
export async function saveDecision(storageApi: StorageApi, stored: StoredDecision): Promise<void> {
  const page = pageDecisionOf(storageApi);
  page.unsaved = stored;
  page.own = stored;
  for (const follower of [...page.followers]) {
    try {
      follower({ kind: 'read', stored });
    } catch {
      // one follower (an app's subscriber) failing keeps no other from following
    }
  }
  const save = async () => {
    await consentBucket(storageApi).set(CONSENT_KEY, stored);
    if (page.unsaved === stored) {
      page.unsaved = undefined;
      page.seen = { stored };
    }
    // A later decision of this page was saved first (answers out of order): the store must end with it.
    if (page.own && page.own !== stored) consentBucket(storageApi).set(CONSENT_KEY, page.own).catch(() => {}); // its own save tells
  };
  try {
    await save();
  } catch (error) {
    const again = stored.decision === 'denied' && page.unsaved === stored ? save() : Promise.reject(error);
    await again.catch(() => {
      throw new Error(`it applies to this page until it is reloaded (${describeError(error)})`);
    });
  }
}

/**
 * A decision made in this page, checked and saved (see {@link saveDecision}):
 * it applies in the same task, in everything that follows the decision, and
 * the StorageApi is asked to store it in that task too (a reload right after
 * keeps it where the StorageApi writes at once, as the browser's does).
 */
export function decide(
  storageApi: StorageApi,
  decision: unknown,
  options: { categoryPreferences?: unknown } | undefined,
): Promise<void> {
  try {
    if (decision !== 'granted' && decision !== 'denied') {
      throw new TypeError(`Segment analytics: a decision is 'granted' or 'denied', not ${describeError(decision)}`);
    }
    const categoryPreferences = toPreferences(options?.categoryPreferences);
    return saveDecision(storageApi, timed(storageApi, { decision, ...(categoryPreferences && { categoryPreferences }) }));
  } catch (error) {
    // Never thrown at the caller: a throwing getter among the options rejects, as an invalid decision does.
    return Promise.reject(error);
  }
}

