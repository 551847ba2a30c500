import type { StorageApi, StorageValueSnapshot } from '@backstage/core-plugin-api';
import { StoredConsent } from './storedConsent';

/**
 * One consent bucket shared by tabs, each with a StorageApi of its own: a
 * `set` in one tab reaches the others' `observe$` (as the browser's
 * storage events do for WebStorage). `knows: false`: snapshots never know,
 * as the user-settings backend's.
 */
function sharedBucket({ knows }: { knows: boolean }) {
  const stored = new Map<string, unknown>();
  const observers = new Set<(key: string) => void>();
  /** First reads of tabs that read late: each tells what was stored when it asked, once {@link answerReads} runs. */
  const lateReads: (() => void)[] = [];
  const snapshotOf = (key: string): StorageValueSnapshot<any> =>
    stored.has(key) ? { key, presence: 'present', value: stored.get(key) } : { key, presence: 'absent' };
  const tab = ({ readsLate = false } = {}): StorageApi => {
    const bucket = {
      snapshot: (key: string) => (knows ? snapshotOf(key) : { key, presence: 'unknown' }),
      set: async (key: string, value: unknown) => {
        stored.set(key, JSON.parse(JSON.stringify(value)));
        observers.forEach(tell => tell(key));
      },
      remove: async (key: string) => {
        stored.delete(key);
        observers.forEach(tell => tell(key));
      },
      observe$: (key: string) => ({
        subscribe: (observer: { next(snapshot: StorageValueSnapshot<any>): void }) => {
          const tell = (changed: string) => changed === key && observer.next(snapshotOf(key));
          observers.add(tell);
          const asked = snapshotOf(key);
          if (readsLate) lateReads.push(() => observer.next(asked));
          else if (!knows) Promise.resolve().then(() => observer.next(asked));
          return { unsubscribe: () => observers.delete(tell), closed: false };
        },
      }),
    };
    return { forBucket: () => bucket } as unknown as StorageApi;
  };
  return { tab, answerReads: () => lateReads.splice(0).forEach(answer => answer()) };
}

/** A tab's consent, and every status its `decision$` told. */
function openTab(storageApi: StorageApi) {
  const consent = new StoredConsent(storageApi, 'opt-in');
  const told: string[] = [];
  consent.decision$().subscribe(state => told.push(state.status));
  return { consent, told };
}

describe('the latest decision, in every tab, when the wall clock steps back between two decisions', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
    jest.setSystemTime(new Date('2026-12-05T12:00:00Z'));
  });
  afterEach(() => jest.useRealTimers());

  it.each([
    ['yes, then no', 'granted', 'denied'],
    ['no, then yes', 'denied', 'granted'],
  ] as const)('%s (a snapshot that knows at once)', async (_, first, then) => {
    const store = sharedBucket({ knows: true });
    const a = openTab(store.tab());
    const b = openTab(store.tab());
    await a.consent.setDecision(first);
    expect(b.consent.getDecision().status).toBe(first);
    jest.setSystemTime(new Date('2026-12-05T11:05:00Z')); // NTP steps the clock back an hour
    await b.consent.setDecision(then);
    expect(a.consent.getDecision().status).toBe(then);
    expect(a.told.at(-1)).toBe(then);
    expect(b.told.at(-1)).toBe(then);
  });

  it('a snapshot that never knows (the user-settings backend): the second tab knew the first decision through observe$', async () => {
    const store = sharedBucket({ knows: false });
    const a = openTab(store.tab());
    const b = openTab(store.tab());
    await Promise.resolve(); // each has read the store (nothing in it)
    await a.consent.setDecision('granted');
    await Promise.resolve();
    expect(b.told.at(-1)).toBe('granted');
    jest.setSystemTime(new Date('2026-12-05T11:05:00Z'));
    await b.consent.setDecision('denied');
    expect(a.told.at(-1)).toBe('denied');
    expect(a.consent.getDecision().status).toBe('denied');
  });

  it('two decisions in a tab whose first read of the store is late (a slow settings backend): the last one holds there and in the other tab', async () => {
    const store = sharedBucket({ knows: false });
    const a = openTab(store.tab());
    await Promise.resolve();
    await a.consent.setDecision('granted');
    await a.consent.setDecision('denied');
    await a.consent.setDecision('granted');
    const b = openTab(store.tab({ readsLate: true }));
    jest.setSystemTime(new Date('2026-12-05T12:01:00Z'));
    await b.consent.setDecision('granted');
    await b.consent.setDecision('denied');
    // B's first read answers now, with what was stored when it asked: A's "yes", older than B's "no".
    store.answerReads();
    expect(b.told.at(-1)).toBe('denied');
    expect(a.told.at(-1)).toBe('denied');
  });

  it("a tab's own earlier decision read back late does not replace its later one, whatever the clock did", async () => {
    const store = sharedBucket({ knows: true });
    const storageApi = store.tab();
    const a = openTab(storageApi);
    await a.consent.setDecision('granted');
    const earlier = storageApi.forBucket('segment-analytics').snapshot('consent').value;
    jest.setSystemTime(new Date('2026-12-05T11:05:00Z'));
    await a.consent.setDecision('denied');
    // Another tab writes back what it had read before (a stale copy): the later decision still holds here.
    await store.tab().forBucket('segment-analytics').set('consent', earlier!);
    expect(a.consent.getDecision().status).toBe('denied');
  });
});
