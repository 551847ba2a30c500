import type { StorageApi, StorageValueSnapshot } from '@backstage/core-plugin-api';
import type { SegmentCall } from '../mapping/SegmentCall';
import { wallClockScheduler } from '../__testUtils__/fakeTime';
import { followUserChoice } from './followUserChoice';
import { SWITCHED_OFF_KEY, switchOffMark } from './switchOffMark';

jest.useFakeTimers();

// Two tabs of one browser following the user's choice. The StorageApi tells a tab of a change by giving the value
// as it is when the tab runs (as Backstage's WebStorage does on a storage event): a tab frozen (or in the
// back/forward cache) while the user says "no" and then "yes" in the other one is told "yes" twice.

const call = (subject: string): SegmentCall => ({
  type: 'track',
  event: 'click',
  properties: { subject, action: 'click' },
  page: { url: 'http://x/', path: '/', search: '', title: 't', referrer: '' },
  timestamp: new Date(),
});

/** The consent bucket the tabs share; a frozen tab is told of changes only once it runs again. */
function sharedBucket() {
  let stored: unknown;
  const tabs = new Set<{ frozen: boolean; pending: number; tell(): void }>();
  const snapshot = (): StorageValueSnapshot<any> => (stored === undefined ? { key: 'consent', presence: 'absent' } : { key: 'consent', presence: 'present', value: stored });
  const set = (value: unknown) => {
    stored = value;
    for (const tab of tabs) {
      if (tab.frozen) tab.pending++;
      else tab.tell();
    }
  };
  const tabApi = () => {
    const tab = { frozen: false, pending: 0, tell: () => {} };
    tabs.add(tab);
    const bucket = {
      snapshot,
      set: async (_key: string, value: unknown) => set(value),
      remove: async () => set(undefined),
      observe$: () => ({
        subscribe: (observer: { next(s: StorageValueSnapshot<any>): void }) => {
          tab.tell = () => observer.next(snapshot());
          return { unsubscribe: () => tabs.delete(tab), closed: false };
        },
      }),
    };
    const thaw = () => {
      tab.frozen = false;
      for (; tab.pending > 0; tab.pending--) tab.tell();
    };
    return { storageApi: { forBucket: () => bucket } as unknown as StorageApi, freeze: () => (tab.frozen = true), thaw };
  };
  return { tabApi, set };
}

/** One tab: its deliveries (one per period analytics is on) and what each was given. */
function openTab(api: StorageApi, pageBack: Array<() => void>) {
  const deliveries: Array<{ sent: string[]; stopped: boolean }> = [];
  const forget = jest.fn();
  const rules: ReturnType<typeof followUserChoice<SegmentCall>> = followUserChoice<SegmentCall>({
    storageApi: api,
    config: { default: 'opt-out', waitMs: 1000 },
    writeKey: 'wk',
    create: () => {
      const delivery = { sent: [] as string[], stopped: false };
      deliveries.push(delivery);
      return { enqueue: c => delivery.sent.push(String(c.properties.subject)), stop: () => (delivery.stopped = true) };
    },
    forward: c => rules.enqueue(c),
    scheduler: wallClockScheduler,
    warn: () => {},
    moduleKeys: [],
    forget,
    onPageLeave: () => {},
    onPageBack: back => pageBack.push(back),
    switchedOff: switchOffMark(() => localStorage),
  });
  return { rules, deliveries, forget };
}

beforeEach(() => localStorage.clear());
afterAll(() => localStorage.clear());

describe('a "no" then a "yes" in another tab, while this one was frozen', () => {
  for (const told of ['told by the StorageApi as it runs again', 'shown again with nothing told'] as const) {
    it(`${told}: what it held from before the "no" never goes, and it goes on with a new session`, async () => {
      const bucket = sharedBucket();
      const frozenTab = bucket.tabApi();
      const backs: Array<() => void> = [];
      const frozen = openTab(frozenTab.storageApi, backs);
      const other = openTab(bucket.tabApi().storageApi, []);
      bucket.set({ decision: 'granted', decidedAt: new Date().toISOString() });
      frozen.rules.capture(call('held before the no'));
      expect(frozen.deliveries.map(d => d.sent)).toEqual([['held before the no']]);

      frozenTab.freeze();
      await jest.advanceTimersByTimeAsync(1000);
      bucket.set({ decision: 'denied', decidedAt: new Date().toISOString() });
      await jest.advanceTimersByTimeAsync(1000);
      bucket.set({ decision: 'granted', decidedAt: new Date().toISOString() });
      expect(other.deliveries.map(d => d.stopped)).toEqual([true, false]);
      expect(Number(localStorage.getItem(SWITCHED_OFF_KEY))).toBeGreaterThan(0);

      await jest.advanceTimersByTimeAsync(1000);
      if (told === 'shown again with nothing told') backs.forEach(back => back());
      else frozenTab.thaw();
      frozen.rules.capture(call('after'));
      expect(frozen.deliveries.map(d => [d.sent, d.stopped])).toEqual([
        [['held before the no'], true],
        [['after'], false],
      ]);
      // What the browser keeps now is the other tab's new session: left alone.
      expect(frozen.forget).not.toHaveBeenCalled();
    });
  }

  it('a tab told "on" again with no "no" in between goes on with its session', async () => {
    const bucket = sharedBucket();
    const tab = openTab(bucket.tabApi().storageApi, []);
    bucket.set({ decision: 'granted', decidedAt: new Date().toISOString() });
    await jest.advanceTimersByTimeAsync(1000);
    bucket.set({ decision: 'granted', categoryPreferences: { Analytics: true }, decidedAt: new Date().toISOString() });
    tab.rules.capture(call('a'));
    expect(tab.deliveries.map(d => [d.sent, d.stopped])).toEqual([[['a'], false]]);
  });
});
