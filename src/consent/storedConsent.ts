import type { StorageApi } from '@backstage/core-plugin-api';
import type {
  SegmentConsentApi,
  SegmentConsentDecisionOptions,
  SegmentConsentObservable,
  SegmentConsentState,
} from './SegmentConsentApi';
import { CONSENT_KEY, consentBucket, decide, pageDecisionOf } from './pageDecision';
import {
  defaultDecision,
  parseStoredDecision,
  replaces,
  SegmentConsentDecision,
  StoredRead,
  watchStoredDecision,
} from './storedDecision';

/** A stored read as the state in force under a regime. */
function toConsentState(read: StoredRead, regime: 'opt-out' | 'opt-in'): SegmentConsentState {
  if (read.kind === 'reading') return { status: 'unknown' };
  const stored = read.kind === 'read' ? read.stored : undefined;
  if (!stored) return { status: defaultDecision({ default: regime }), byUser: false };
  return { status: stored.decision, byUser: true, categoryPreferences: stored.categoryPreferences, decidedAt: stored.decidedAt };
}

/**
 * The {@link SegmentConsentApi} over Backstage's StorageApi (in the lazy
 * chunk of `SegmentConsent`, which hands its calls over).
 */
export class StoredConsent implements SegmentConsentApi {
  constructor(
    private readonly storageApi: StorageApi,
    private readonly regime: 'opt-out' | 'opt-in',
  ) {}

  getDecision(): SegmentConsentState {
    const { unsaved, own, seen } = pageDecisionOf(this.storageApi);
    if (unsaved) return toConsentState({ kind: 'read', stored: unsaved }, this.regime);
    let read: StoredRead;
    try {
      const snapshot = consentBucket(this.storageApi).snapshot(CONSENT_KEY);
      if (snapshot.presence !== 'unknown') {
        const stored = snapshot.presence === 'present' ? parseStoredDecision(snapshot.value) : undefined;
        // As the page follows it: its own latest decision holds against an older stored one.
        read = { kind: 'read', stored: own && !replaces(stored, own) ? own : stored };
      } else {
        // A snapshot that never knows (the user-settings backend's): what this page last read or saved.
        read = seen ? { kind: 'read', ...seen } : { kind: 'reading' };
      }
    } catch (error) {
      read = { kind: 'failed', reason: String(error) };
    }
    return toConsentState(read, this.regime);
  }

  setDecision(decision: SegmentConsentDecision, options?: SegmentConsentDecisionOptions): Promise<void> {
    return decide(this.storageApi, decision, options);
  }

  decision$(): SegmentConsentObservable {
    return {
      subscribe: next => {
        let last: SegmentConsentState = this.getDecision();
        next(last);
        const stop = watchStoredDecision(this.storageApi, read => {
          const state = toConsentState(read, this.regime);
          if (JSON.stringify(state) === JSON.stringify(last)) return;
          last = state;
          next(state);
        });
        return { unsubscribe: stop };
      },
    };
  }
}
