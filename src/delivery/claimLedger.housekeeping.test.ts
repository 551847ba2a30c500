import { IDBFactory } from 'fake-indexeddb';
import { CLAIM_HOLD_MS } from './claimHold';
import { createClaimLedger, DATABASE } from './claimLedger';
import { browserScheduler } from '../time/scheduler';

// fake-indexeddb (as in claimLedger.test.ts): two ledgers over one factory are two tabs of one browser.

function tabs(factory: IDBFactory, wallNow: () => number) {
  return (count: number) => Array.from({ length: count }, () => createClaimLedger({ indexedDB: factory, writeKey: 'wk', wallNow, scheduler: browserScheduler }));
}

describe('the claim ledger, its housekeeping', () => {
  it("a call whose earlier claim lapsed, claimed again: the new claim holds (pruning lapsed claims spares the one just made)", async () => {
    let now = 1_700_000_000_000;
    const [a, b, c] = tabs(new IDBFactory(), () => now)(3);
    expect([...(await a.claim(['x']))]).toEqual(['x']);
    // a's tab died before removing the call: its claim lapses.
    now += CLAIM_HOLD_MS + 1;
    expect([...(await b.claim(['x']))]).toEqual(['x']);
    // Another tab a moment later: b holds it now.
    now += 1000;
    expect([...(await c.claim(['x']))]).toEqual([]);
  });

  it("the user's opt-out deletes the database: a tab that had it open opens it anew, and claims are decided across tabs again", async () => {
    const factory = new IDBFactory();
    const now = () => 1_700_000_000_000;
    const [a, b] = tabs(factory, now)(2);
    expect([...(await a.claim(['before']))]).toEqual(['before']);
    // As forgetBrowserData does on a "no".
    await new Promise<void>((resolve, reject) => {
      const deleting = factory.deleteDatabase(DATABASE);
      deleting.onsuccess = () => resolve();
      deleting.onerror = () => reject(deleting.error);
    });
    // Switched on again: a backlog both tabs see.
    const granted = [...(await a.claim(['y'])), ...(await b.claim(['y']))];
    expect(granted).toEqual(['y']);
  });
});
