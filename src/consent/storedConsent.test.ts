import type { StorageApi, StorageValueSnapshot } from '@backstage/core-plugin-api';
import { ConfigReader } from '@backstage/config';
import { SegmentConsent } from './SegmentConsent';
import { StoredConsent } from './storedConsent';

/**
 * A StorageApi as the user-settings backend's: its snapshot never knows
 * (`presence: 'unknown'`); what is stored reaches the page only through
 * `observe$`, a moment after subscribing and after each `set`.
 */
function settingsBackendStorage(initial?: unknown) {
  let value = initial;
  const observers = new Set<(snapshot: StorageValueSnapshot<any>) => void>();
  const tell = () => {
    const snapshot = value === undefined ? { key: 'consent', presence: 'absent' as const } : { key: 'consent', presence: 'present' as const, value };
    setTimeout(() => observers.forEach(next => next(snapshot as StorageValueSnapshot<any>)), 10);
  };
  const bucket = {
    snapshot: (key: string) => ({ key, presence: 'unknown' as const }),
    observe$: () => ({
      subscribe: ({ next }: { next: (snapshot: StorageValueSnapshot<any>) => void }) => {
        observers.add(next);
        tell();
        return { unsubscribe: () => observers.delete(next), closed: false };
      },
    }),
    set: async (_key: string, stored: unknown) => {
      value = stored;
      tell();
    },
    remove: async () => {},
    forBucket: () => bucket,
  };
  return bucket as unknown as StorageApi;
}

/** The storage's answers (10 ms late) arrive: fake time. */
const untilSettled = () => jest.advanceTimersByTimeAsync(20);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('StoredConsent over a StorageApi whose snapshot never knows (the user-settings backend)', () => {
  it('getDecision tells what the page read through observe$, then the decision just made', async () => {
    const consent = new StoredConsent(settingsBackendStorage({ decision: 'granted', decidedAt: '2026-12-01T00:00:00.000Z' }), 'opt-out');
    expect(consent.getDecision()).toEqual({ status: 'unknown' });
    const seen: string[] = [];
    consent.decision$().subscribe(state => seen.push(state.status));
    await untilSettled();
    expect(consent.getDecision()).toMatchObject({ status: 'granted', byUser: true });

    await consent.setDecision('denied');
    expect(consent.getDecision()).toMatchObject({ status: 'denied', byUser: true });
    await untilSettled();
    expect(consent.getDecision()).toMatchObject({ status: 'denied', byUser: true });
    expect(seen).toEqual(['unknown', 'granted', 'denied']);
  });

  it('after `await setDecision(...)`, with nothing subscribed, getDecision tells that decision', async () => {
    const consent = new StoredConsent(settingsBackendStorage(), 'opt-in');
    await consent.setDecision('granted');
    expect(consent.getDecision()).toMatchObject({ status: 'granted', byUser: true });
  });
});

describe('SegmentConsent.decision$ while its code loads', () => {
  it("tells 'unknown' once, then the stored state (a StorageApi whose snapshot never knows)", async () => {
    const storageApi = settingsBackendStorage({ decision: 'denied', decidedAt: '2026-12-01T00:00:00.000Z' });
    const consent = SegmentConsent.fromConfig(new ConfigReader({ app: { analytics: { segment: {} } } }), { storageApi });
    const seen: string[] = [];
    consent.decision$().subscribe(state => seen.push(state.status));
    for (let i = 0; i < 100 && !seen.includes('denied'); i++) await jest.advanceTimersByTimeAsync(10);
    expect(seen).toEqual(['unknown', 'denied']);
  });
});
