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

/** As the user-settings backend's: each `set` answers when the test says, and tells observers then; the last to arrive is stored. */
function slowSettingsStorage(initial: unknown) {
  let value = initial;
  const observers = new Set<(snapshot: StorageValueSnapshot<any>) => void>();
  const answers: Array<() => void> = [];
  const bucket = {
    snapshot: (key: string) => ({ key, presence: 'unknown' as const }),
    observe$: () => ({
      subscribe: ({ next }: { next: (snapshot: StorageValueSnapshot<any>) => void }) => {
        observers.add(next);
        Promise.resolve().then(() => next({ key: 'consent', presence: 'present', value } as StorageValueSnapshot<any>));
        return { unsubscribe: () => observers.delete(next), closed: false };
      },
    }),
    set: (_key: string, stored: unknown) =>
      new Promise<void>(resolve => {
        answers.push(() => {
          value = stored;
          observers.forEach(next => next({ key: 'consent', presence: 'present', value: stored } as StorageValueSnapshot<any>));
          resolve();
        });
      }),
    remove: async () => {},
    forBucket: () => bucket,
  };
  return { storageApi: bucket as unknown as StorageApi, answers, stored: () => value as { decision?: string } };
}

describe('two switches in a row whose saves are answered out of order', () => {
  it("the page follows the user's last choice, and the store ends with it", async () => {
    const storage = slowSettingsStorage({ decision: 'granted', decidedAt: '2026-12-01T00:00:00.000Z' });
    const consent = new StoredConsent(storage.storageApi, 'opt-out');
    const seen: string[] = [];
    consent.decision$().subscribe(state => seen.push(state.status));
    await jest.advanceTimersByTimeAsync(5);
    const off = consent.setDecision('denied');
    await jest.advanceTimersByTimeAsync(2);
    const on = consent.setDecision('granted'); // the user's last choice
    storage.answers[1](); // answered first
    await on;
    storage.answers[0](); // the earlier one, late: the store now holds it
    await off;
    await jest.advanceTimersByTimeAsync(5);
    expect(consent.getDecision()).toMatchObject({ status: 'granted', byUser: true });
    expect(seen[seen.length - 1]).toBe('granted');
    // The page's last choice is saved again after the late answer.
    storage.answers[2]();
    await jest.advanceTimersByTimeAsync(5);
    expect(storage.stored().decision).toBe('granted');
    expect(consent.getDecision().status).toBe('granted');
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
