import { IDBFactory } from 'fake-indexeddb';
import { CLAIM_HOLD_MS } from './claimHold';
import { CLAIM_WAIT_MS, createClaimLedger } from './claimLedger';
import { browserScheduler } from '../time/scheduler';

// fake-indexeddb implements IndexedDB to its specification (it runs the W3C
// tests): read-write transactions on one store run one after another, as in
// a browser, which is what the ledger relies on. Two ledgers over one factory
// are two tabs of one browser.

const ids = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function tabs(factory = new IDBFactory(), wallNow = () => Date.now(), writeKey = 'wk') {
  return (count: number) =>
    Array.from({ length: count }, () => createClaimLedger({ indexedDB: factory, writeKey, wallNow, scheduler: browserScheduler }));
}

describe('the claim ledger (which page load sends a stored call)', () => {
  it('three tabs claiming one backlog at the same moment: each call is granted to exactly one of them', async () => {
    const [a, b, c] = tabs()(3);
    const backlog = ids(50);
    const granted = await Promise.all([a.claim(backlog), b.claim(backlog), c.claim(backlog)]);
    const all = granted.flatMap(set => [...set]);
    expect(all.sort()).toEqual([...backlog].sort());
    expect(new Set(all).size).toBe(50);
  });

  it('a call claimed by another tab is refused for the hold, and granted again after it (its taker died before removing it)', async () => {
    let now = 1_700_000_000_000;
    const [a, b] = tabs(new IDBFactory(), () => now)(2);
    expect([...(await a.claim(['x', 'y']))]).toEqual(['x', 'y']);
    now += CLAIM_HOLD_MS - 1;
    expect([...(await b.claim(['x', 'y', 'z']))]).toEqual(['z']);
    now += 2;
    expect([...(await b.claim(['x', 'y']))]).toEqual(['x', 'y']);
  });

  it("grants a page its own claim again (asked again once the page is back, the first answer ignored), never another page's", async () => {
    let now = 1_700_000_000_000;
    const [a, b] = tabs(new IDBFactory(), () => now)(2);
    expect([...(await a.claim(['x']))]).toEqual(['x']);
    now += 1000;
    expect([...(await a.claim(['x']))]).toEqual(['x']);
    expect([...(await b.claim(['x']))]).toEqual([]);
    // Its claim renewed: others are kept off for the hold from then.
    now += CLAIM_HOLD_MS - 1;
    expect([...(await b.claim(['x']))]).toEqual([]);
  });

  it('a claim its holder gave up with the call (left for good) is granted at once, for that claim only', async () => {
    let now = 1_700_000_000_000;
    const [a, b, c] = tabs(new IDBFactory(), () => now)(3);
    await a.claim(['x', 'y']);
    const released = new Map([['x', a.heldClaim('x')!]]);
    now += 1000;
    expect([...(await b.claim(['x', 'y'], released))]).toEqual(['x']);
    expect(b.heldClaim('x')).toBe(now);
    expect(b.heldClaim('y')).toBeUndefined();
    // x is b's now: a's old claim, given up, does not take it from b; nor does a made-up one.
    expect([...(await c.claim(['x'], released))]).toEqual([]);
    expect([...(await c.claim(['x', 'y'], new Map([['x', now - 1], ['y', now]])))]).toEqual([]);
  });

  it('the clock stepped back by less than the hold: a claim made "in the future" still holds', async () => {
    let now = 1_700_000_000_000;
    const [a, b] = tabs(new IDBFactory(), () => now)(2);
    await a.claim(['x']);
    now -= CLAIM_HOLD_MS;
    expect([...(await b.claim(['x']))]).toEqual([]);
  });

  it('the clock stepped back by more than the hold: that claim has lapsed (its calls are not kept from every load for the step)', async () => {
    for (const step of [CLAIM_HOLD_MS + 1, 3_600_000, 23 * 3_600_000, 24 * 3_600_000 + 1]) {
      let now = 1_700_000_000_000;
      const [a, b] = tabs(new IDBFactory(), () => now)(2);
      await a.claim(['x']);
      now -= step;
      expect([...(await b.claim(['x']))]).toEqual(['x']);
    }
  });

  it('two write keys never meet: the same messageId is granted in each', async () => {
    const factory = new IDBFactory();
    const [a] = tabs(factory, Date.now, 'one')(1);
    const [b] = tabs(factory, Date.now, 'two')(1);
    expect([...(await a.claim(['x']))]).toEqual(['x']);
    expect([...(await b.claim(['x']))]).toEqual(['x']);
  });

  it('stale claims are pruned as new ones are made, those of the hold kept', async () => {
    let now = 1_700_000_000_000;
    const factory = new IDBFactory();
    const [a] = tabs(factory, () => now)(1);
    await a.claim(ids(20, 'old'));
    now += CLAIM_HOLD_MS + 1;
    await a.claim(['new']);
    const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
      const open = factory.open('backstage-segment');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const all = open.result.transaction('claims').objectStore('claims').getAllKeys();
        all.onsuccess = () => resolve(all.result);
      };
    });
    expect(keys).toEqual(['wk\nnew']);
  });

  it('where IndexedDB cannot be opened, every id is granted (the store alone decides, as without a ledger)', async () => {
    const broken = {
      open() {
        throw new DOMException('IndexedDB is disabled', 'InvalidStateError');
      },
    } as unknown as IDBFactory;
    const ledger = createClaimLedger({ indexedDB: broken, writeKey: 'wk', wallNow: Date.now, scheduler: browserScheduler });
    expect([...(await ledger.claim(['x', 'y']))]).toEqual(['x', 'y']);
  });

  it('where IndexedDB never answers, every id is granted after the wait (events are not held for ever)', async () => {
    jest.useFakeTimers();
    try {
      const silent = { open: () => ({}) } as unknown as IDBFactory;
      const ledger = createClaimLedger({ indexedDB: silent, writeKey: 'wk', wallNow: Date.now, scheduler: browserScheduler });
      let granted: Set<string> | undefined;
      void ledger.claim(['x']).then(g => (granted = g));
      await jest.advanceTimersByTimeAsync(CLAIM_WAIT_MS - 1);
      expect(granted).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect([...granted!]).toEqual(['x']);
    } finally {
      jest.useRealTimers();
    }
  });
});
