import type { StorageApi, StorageValueSnapshot } from '@backstage/core-plugin-api';
import type { SegmentCall } from '../mapping/SegmentCall';
import { wallClockScheduler } from '../__testUtils__/fakeTime';
import { followUserChoice } from './followUserChoice';
import { decide } from './pageDecision';

jest.useFakeTimers();

// Tabs of one browser on a shared consent store, through the real followUserChoice and decide: only a tab
// whose session began before a "no" it did not see restarts; tabs told in time never do (a restart drops what
// the session holds). `snapshotKnown`: the browser's storage (its snapshot tells at once); false: as the
// user-settings backend ('unknown'). A tab is told of each write at once ('sync'), once flushed ('held'), or
// never ('deaf').
const call = (subject: string): SegmentCall => ({
  type: 'track', event: 'click', properties: { subject, action: 'click' },
  page: { url: 'http://x/', path: '/', search: '', title: 't', referrer: '' }, timestamp: new Date(),
});

function sharedBucket(snapshotKnown: boolean, initial?: unknown) {
  let stored: unknown = initial;
  type Tab = { mode: 'sync' | 'held' | 'deaf'; queue: unknown[]; tell(value: unknown): void };
  const tabs = new Set<Tab>();
  const snap = (value: unknown): StorageValueSnapshot<any> =>
    value === undefined ? { key: 'consent', presence: 'absent' } : { key: 'consent', presence: 'present', value };
  const write = (value: unknown) => {
    stored = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
    for (const t of tabs) {
      if (t.mode === 'sync') t.tell(stored);
      else if (t.mode === 'held') t.queue.push(stored);
    }
  };
  const tabApi = (mode: Tab['mode'] = 'sync') => {
    const tab: Tab = { mode, queue: [], tell: () => {} };
    tabs.add(tab);
    const bucket = {
      snapshot: () => (snapshotKnown ? snap(stored) : { key: 'consent', presence: 'unknown' }),
      set: async (_k: string, value: unknown) => write(value),
      observe$: () => ({
        subscribe: (observer: { next(s: StorageValueSnapshot<any>): void }) => {
          tab.tell = v => observer.next(snap(v));
          if (!snapshotKnown) Promise.resolve().then(() => tab.mode === 'sync' && tab.tell(stored));
          return { unsubscribe: () => tabs.delete(tab), closed: false };
        },
      }),
    };
    return {
      storageApi: { forBucket: () => bucket } as unknown as StorageApi,
      setMode: (m: Tab['mode']) => (tab.mode = m),
      tellNow: (v: unknown) => tab.tell(v),
      flush: () => { for (const v of tab.queue.splice(0)) tab.tell(v); },
      get queue() { return tab.queue; }, set queue(q: unknown[]) { tab.queue = q; },
      flushCurrent: () => { for (const _v of tab.queue.splice(0)) tab.tell(stored); },
    };
  };
  return { tabApi, write, silent: (v: unknown) => (stored = v), get stored() { return stored; } };
}

function openTab(storageApi: StorageApi, config: { default: 'opt-out' | 'opt-in'; waitMs: number } = { default: 'opt-out', waitMs: 1000 }) {
  const deliveries: Array<{ sent: string[]; stopped: boolean }> = [];
  const rules: ReturnType<typeof followUserChoice<SegmentCall>> = followUserChoice<SegmentCall>({
    storageApi, config, writeKey: 'wk',
    create: () => {
      const d = { sent: [] as string[], stopped: false };
      deliveries.push(d);
      return { enqueue: c => d.sent.push(String(c.properties.subject)), stop: () => (d.stopped = true) };
    },
    forward: c => rules.enqueue(c), scheduler: wallClockScheduler, warn: () => {}, moduleKeys: [], forget: () => {}, onPageLeave: () => {},
  });
  return { capture: (s: string) => rules.capture(call(s)), sessions: () => deliveries.map(d => `${d.sent.join(',')}${d.stopped ? '|stopped' : ''}`) };
}
const tick = () => jest.advanceTimersByTimeAsync(1000);

it('two tabs told of the "no" that both say "yes" before being told of each other\'s: one period, no restart', async () => {
  const b = sharedBucket(false, { decision: 'granted', decidedAt: new Date().toISOString() });
  const ta = b.tabApi(); const tb = b.tabApi();
  const A = openTab(ta.storageApi); const B = openTab(tb.storageApi);
  await tick();
  await decide(ta.storageApi, 'denied', undefined); await tick();
  ta.setMode('held'); tb.setMode('held');
  await decide(ta.storageApi, 'granted', undefined); await tick();
  A.capture('A-after-own-yes');
  await decide(tb.storageApi, 'granted', undefined); await tick();
  B.capture('B-after-own-yes');
  ta.flush(); tb.flush(); await tick();
  A.capture('A-later'); B.capture('B-later');
  expect(A.sessions().filter(s => s.endsWith('|stopped')).length).toBe(1); // only the "no"
});

it('a tab that missed the other\'s "yes" says "yes" itself (other categories): the tab told in time goes on', async () => {
  const b = sharedBucket(false, { decision: 'granted', decidedAt: new Date().toISOString() });
  const ta = b.tabApi(); const tb = b.tabApi();
  const A = openTab(ta.storageApi); openTab(tb.storageApi);
  await tick();
  await decide(ta.storageApi, 'denied', undefined); await tick();
  tb.setMode('deaf');
  await decide(ta.storageApi, 'granted', undefined); await tick();
  A.capture('A-1');
  tb.setMode('sync');
  await decide(tb.storageApi, 'granted', { categoryPreferences: { Analytics: true } }); await tick();
  A.capture('A-2');
  expect(A.sessions()).toEqual(['|stopped', 'A-1,A-2']);
});

it('opt-in: a first "yes", categories, a "no" and a "yes": a tab told in time is switched off and on once, and a look again changes nothing', async () => {
  const b = sharedBucket(true);
  const ta = b.tabApi(); const tb = b.tabApi();
  const cfg = { default: 'opt-in' as const, waitMs: 1000 };
  openTab(ta.storageApi, cfg); const B = openTab(tb.storageApi, cfg);
  await tick();
  await decide(ta.storageApi, 'granted', undefined); await tick();
  B.capture('b1');
  await decide(ta.storageApi, 'granted', { categoryPreferences: { X: true } }); await tick();
  B.capture('b2');
  await decide(ta.storageApi, 'denied', undefined);
  await decide(ta.storageApi, 'granted', undefined); await tick();
  B.capture('b3');
  await decide(tb.storageApi, 'granted', { categoryPreferences: { X: false } }); await tick();
  B.capture('b4');
  window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
  document.dispatchEvent(new Event('resume'));
  B.capture('b5');
  expect(B.sessions()).toEqual(['b1,b2|stopped', 'b3,b4,b5']);
});

it('the stored choice removed, then "yes" again from either tab: no restart', async () => {
  const b = sharedBucket(true);
  const ta = b.tabApi(); const tb = b.tabApi();
  const A = openTab(ta.storageApi); const B = openTab(tb.storageApi);
  await tick();
  await decide(ta.storageApi, 'denied', undefined);
  await decide(ta.storageApi, 'granted', undefined); await tick();
  B.capture('b1');
  b.write(undefined); await tick(); // cleared
  B.capture('b2');
  await decide(tb.storageApi, 'granted', { categoryPreferences: { X: true } }); await tick();
  B.capture('b3');
  await decide(ta.storageApi, 'granted', { categoryPreferences: { X: false } }); await tick();
  B.capture('b4'); A.capture('a4');
  expect(B.sessions()).toEqual(['|stopped', 'b1,b2,b3,b4']);
});

it('an older release\'s "yes" and hand-edited periods (not text, empty, not a time): no restart', async () => {
  const b = sharedBucket(true, { decision: 'granted', decidedAt: new Date(Date.now() - 5000).toISOString() });
  const ta = b.tabApi(); const tb = b.tabApi();
  openTab(ta.storageApi); const B = openTab(tb.storageApi);
  await tick();
  B.capture('b1');
  await decide(ta.storageApi, 'granted', { categoryPreferences: { X: true } }); await tick();
  b.write({ decision: 'granted', decidedAt: new Date().toISOString(), offAt: 5 }); await tick();
  B.capture('b2');
  b.write({ decision: 'granted', decidedAt: new Date().toISOString(), offAt: null }); await tick();
  b.write({ decision: 'granted', decidedAt: new Date().toISOString(), offAt: '' }); await tick();
  B.capture('b3');
  b.write({ decision: 'granted', decidedAt: new Date().toISOString(), offAt: 'garbage' }); await tick();
  B.capture('b4');
  expect(B.sessions()).toEqual(['b1,b2,b3,b4']);
});

it('a tab that missed a "no" and a "yes" (frozen): restarts once; told again, resumed or shown again, changes nothing', async () => {
  const b = sharedBucket(true);
  const ta = b.tabApi(); const tb = b.tabApi();
  openTab(ta.storageApi); const B = openTab(tb.storageApi);
  await tick();
  B.capture('b-before');
  tb.setMode('held');
  await decide(ta.storageApi, 'denied', undefined); await tick();
  await decide(ta.storageApi, 'granted', undefined); await tick();
  document.dispatchEvent(new Event('resume'));
  tb.setMode('sync'); tb.flushCurrent(); // as WebStorage: told the no's event late: the value as it is now (yes)
  window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
  B.capture('b-after');
  expect(B.sessions()).toEqual(['b-before|stopped', 'b-after']);
});

it('a quick "no" and "yes" in one tab, answered late: each tab switched off and on once', async () => {
  const b = sharedBucket(false, { decision: 'granted', decidedAt: new Date().toISOString() });
  const ta = b.tabApi(); const tb = b.tabApi();
  const A = openTab(ta.storageApi); const B = openTab(tb.storageApi);
  await tick();
  A.capture('a0'); B.capture('b0');
  ta.setMode('held');
  await decide(ta.storageApi, 'denied', undefined);
  await decide(ta.storageApi, 'granted', undefined);
  A.capture('a1'); B.capture('b1');
  ta.flush(); await tick();
  A.capture('a2'); B.capture('b2');
  expect(A.sessions()).toEqual(['a0|stopped', 'a1,a2']);
  expect(B.sessions()).toEqual(['b0|stopped', 'b1,b2']);
});

it('a first read of "none" (a settings backend failing), then the stored "yes" of a period begun before the session: no restart', async () => {
  const T1 = new Date(Date.now() - 86400000).toISOString();
  const b = sharedBucket(false);
  const tq = b.tabApi('held'); // its first read: "absent" (the backend failed: getMulti answers absent)
  const Q = openTab(tq.storageApi);
  await tick();
  tq.flush(); // nothing queued yet; the subscribe's own read was skipped (held): tell absent now
  tq.tellNow(undefined);
  b.silent({ decision: 'granted', decidedAt: T1, offAt: T1 }); // what the backend really holds (a no/yes long ago)
  tq.setMode('sync');
  Q.capture('q1');
  const ta = b.tabApi(); openTab(ta.storageApi); await tick(); // another tab reads the real yes T1
  await decide(ta.storageApi, 'granted', { categoryPreferences: { Analytics: true } }); await tick();
  Q.capture('q2');
  expect(Q.sessions()).toEqual(['q1,q2']);
});

it('site data cleared, a tab opened since, then a "yes" of the period before (the tab that made it, other categories): no restart', async () => {
  const b = sharedBucket(true);
  const ty = b.tabApi();
  openTab(ty.storageApi); await tick();
  await decide(ty.storageApi, 'denied', undefined);
  await decide(ty.storageApi, 'granted', undefined); await tick();
  b.write(undefined); await tick(); // cleared (WebStorage tells nothing on clear(); the tab told here changes nothing either way)
  const tx = b.tabApi(); const X = openTab(tx.storageApi); await tick();
  X.capture('x1');
  await decide(ty.storageApi, 'granted', { categoryPreferences: { Analytics: true } }); await tick();
  X.capture('x2');
  expect(X.sessions()).toEqual(['x1,x2']);
});
