import { IDBFactory } from 'fake-indexeddb';
import { advanceWithIndexedDb } from '../__testUtils__/fakeTime';
import { clickCall, deliveryWithStore, memoryStorage, recordingTransport } from '../__testUtils__/deliveryTestKit';
import { createClaimLedger } from './claimLedger';
import { browserScheduler } from '../time/scheduler';

// Tab A is hidden while it cannot send yet (its user not known): its call is
// stored for whichever load sends it first. Tab B opens and sends it. When A
// is hidden again, or closed, the call must not go back into the store: the
// next load (tab C) would send it a second time.

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** Tabs of one browser: one localStorage, one IndexedDB. */
function browser() {
  const storage = memoryStorage();
  const indexedDB = new IDBFactory();
  const clicks: string[] = [];
  const open = (name: string, userId: Promise<string>) => {
    const library = recordingTransport();
    let n = 0;
    const ledger = createClaimLedger({ indexedDB, writeKey: 'wk', wallNow: () => Date.now(), scheduler: browserScheduler });
    const tab = deliveryWithStore(storage, { transport: Promise.resolve(library.transport), userId, ledger, identityTimeoutMs: 600_000, newId: () => `${name}-${++n}` });
    const sent = library.sent;
    return { ...tab, sent, clicks: () => sent.filter(s => s.startsWith('click')) };
  };
  return { open, clicks };
}

/** Tab A with its user not known yet, its call stored as it is hidden, and tab B having sent it. */
async function storedByATakenByB() {
  const tabs = browser();
  let signIn!: (user: string) => void;
  const a = tabs.open('A', new Promise<string>(resolve => (signIn = resolve)));
  await advanceWithIndexedDb(10);
  a.d.enqueue(clickCall('a'));
  a.life.leave({ final: false });
  const b = tabs.open('B', Promise.resolve('u'));
  await advanceWithIndexedDb(300);
  // Left before its user was known: the call is anonymous, and the next load sends it as such.
  expect(b.clicks()).toEqual(['click a as anonymous']);
  return { tabs, a, b, signIn };
}

/** A closed, then a minute later (past every claim's hold) the app opened again: what that load sends. */
async function closeAThenOpenAgain(tabs: ReturnType<typeof browser>, a: { life: { leave(): void } }) {
  await advanceWithIndexedDb(70_000, 500);
  a.life.leave();
  const c = tabs.open('C', Promise.resolve('u'));
  await advanceWithIndexedDb(62_000, 500);
  return c.clicks();
}

describe('a call another tab took and sent is not stored again by the tab that stored it', () => {
  it('A shown and hidden again while its user is still not known, then known, then closed', async () => {
    const { tabs, a, signIn } = await storedByATakenByB();
    a.life.back();
    a.life.leave({ final: false });
    signIn('u');
    await advanceWithIndexedDb(500);
    a.life.back();
    expect(await closeAThenOpenAgain(tabs, a)).toEqual([]);
    expect(a.clicks()).toEqual([]);
  });

  it('A shown, its user known, hidden again while it asks to take the call back', async () => {
    const { tabs, a, signIn } = await storedByATakenByB();
    a.life.back();
    signIn('u');
    await jest.advanceTimersByTimeAsync(1);
    a.life.leave({ final: false });
    await advanceWithIndexedDb(300);
    a.life.back();
    expect(await closeAThenOpenAgain(tabs, a)).toEqual([]);
    expect(a.clicks()).toEqual([]);
  });
});
