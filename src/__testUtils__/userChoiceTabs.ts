import type { StorageApi, StorageValueSnapshot } from '@backstage/core-plugin-api';
import type { SegmentCall } from '../mapping/SegmentCall';
import { followUserChoice } from '../consent/followUserChoice';
import { wallClockScheduler } from './fakeTime';

// Tabs of one browser following the user's choice (see followUserChoice.test.ts).

/** A click call with `subject`. */
export const call = (subject: string): SegmentCall => ({
  type: 'track',
  event: 'click',
  properties: { subject, action: 'click' },
  page: { url: 'http://x/', path: '/', search: '', title: 't', referrer: '' },
  timestamp: new Date(),
});

/** The consent bucket the tabs share; a frozen tab is told of changes only once it runs again. */
export function sharedBucket() {
  let stored: unknown;
  const tabs = new Set<{ frozen: boolean; pending: number; tell(): void }>();
  const snapshot = (): StorageValueSnapshot<any> =>
    stored === undefined ? { key: 'consent', presence: 'absent' } : { key: 'consent', presence: 'present', value: stored };
  const tabApi = () => {
    const tab = { frozen: false, pending: 0, tell: () => {} };
    tabs.add(tab);
    const bucket = {
      snapshot,
      set: async (_key: string, value: unknown) => {
        stored = JSON.parse(JSON.stringify(value));
        for (const each of tabs) {
          if (each.frozen) each.pending++;
          else each.tell();
        }
      },
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
  return { tabApi };
}

/** One tab: its deliveries (one per session) and what each was given. */
export function openTab(storageApi: StorageApi, regime: 'opt-out' | 'opt-in' = 'opt-out') {
  const deliveries: Array<{ sent: string[]; stopped: boolean; fresh: boolean }> = [];
  const forget = jest.fn();
  let identityForgotten = false;
  const rules: ReturnType<typeof followUserChoice<SegmentCall>> = followUserChoice<SegmentCall>({
    storageApi,
    config: { default: regime, waitMs: 1000 },
    writeKey: 'wk',
    // The identity removed right before a delivery is made: that session starts fresh.
    forgetIdentity: () => (identityForgotten = true),
    create: () => {
      const delivery = { sent: [] as string[], stopped: false, fresh: identityForgotten };
      identityForgotten = false;
      deliveries.push(delivery);
      return { enqueue: c => delivery.sent.push(String(c.properties.subject)), stop: () => (delivery.stopped = true) };
    },
    forward: c => rules.enqueue(c),
    scheduler: wallClockScheduler,
    warn: () => {},
    moduleKeys: [],
    forget,
    onPageLeave: () => {},
  });
  const sessions = () => deliveries.map(d => [d.sent, d.stopped]);
  /** Per session, whether the library's stored identity was removed just before it (it starts fresh). */
  const fresh = () => deliveries.map(d => d.fresh);
  return { rules, sessions, forget, fresh };
}
