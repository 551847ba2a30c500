import { IDBFactory } from 'fake-indexeddb';
import { advanceWithIndexedDb } from '../__testUtils__/fakeTime';
import { clickCall, countingStorage, drivenLifecycle, recordingTransport } from '../__testUtils__/deliveryTestKit';
import { callStoreKey, createCallStore, KeyValueStorage, StoredCall } from './callStore';
import { ClaimLedger, createClaimLedger } from './claimLedger';
import { Delivery } from './Delivery';
import { DeliveryOptions } from './deliveryOptions';
import { browserScheduler } from '../time/scheduler';
import { createStoredOwner } from './storedOwner';
import { Transport } from './Transport';

// Two tabs of one browser each read their own cached copy of localStorage:
// a removal made by one reaches the other a moment later. Here each tab gets
// its own copy of the same stored backlog, which is that moment made long.

const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);
const quiet = () => ({ warn: jest.fn(), info: jest.fn() });

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const storeOf = (storage: KeyValueStorage) => createCallStore({ storage, writeKey: 'wk', now: () => Date.now(), logger: quiet() });

/** `n` calls of `owner` an earlier page load stored, captured a minute ago. */
function storeBacklog(storage: KeyValueStorage, n: number, owner: string | null = 'u', prefix = 'old') {
  const calls: StoredCall[] = Array.from({ length: n }, (_, i) => ({
    messageId: `${prefix}${i}`,
    owner,
    call: { ...clickCall(`${prefix}-${i}`), timestamp: new Date(Date.now() - 60_000 + i) },
  }));
  storeOf(storage).save(calls);
}

function page(storage: KeyValueStorage, options: Partial<DeliveryOptions>) {
  const { sent, options: sentOptions, transport } = recordingTransport();
  const life = drivenLifecycle();
  const delivery = new Delivery({
    transport: Promise.resolve(transport),
    userId: Promise.resolve('u'),
    identityTimeoutMs: 1000,
    logger: quiet(),
    store: storeOf(storage),
    storedOwner: createStoredOwner(storage, 'wk'),
    onPageLeave: life.onPageLeave,
    ...options,
  });
  return { delivery, sent, sentOptions, life, transport };
}

/** A ledger that answers when the test says: `answer(granted)` answers the oldest claim not answered. */
function heldLedger() {
  const claims: { ids: string[]; answer: (granted: string[]) => void }[] = [];
  const ledger: ClaimLedger = {
    claim: ids => new Promise(resolve => claims.push({ ids, answer: granted => resolve(new Set(granted)) })),
    heldClaim: () => undefined,
  };
  return { ledger, claims };
}

const stored = (data: Map<string, string>) => {
  const raw = data.get(callStoreKey('wk'));
  return raw ? (JSON.parse(raw).calls as { messageId: string }[]).map(c => c.messageId) : [];
};

/** A backlog of 3 calls of `owner` the load before this one claimed, then stored again as it was left. */
async function claimedByLeftLoad(owner: string | null) {
  const { data, storage } = countingStorage();
  storeBacklog(storage, 3, owner, 'mine');
  const factory = new IDBFactory();
  const ledger = () => createClaimLedger({ indexedDB: factory, writeKey: 'wk', wallNow: () => Date.now(), scheduler: browserScheduler });
  void ledger().claim(['mine0', 'mine1', 'mine2']);
  await advanceWithIndexedDb(100);
  return { data, storage, ledger: ledger() };
}

describe('Delivery with a claim ledger (tabs opened at once)', () => {
  it('two tabs opening at once on one backlog: each stored call is sent by exactly one of them', async () => {
    const backlog = countingStorage();
    storeBacklog(backlog.storage, 40);
    const factory = new IDBFactory();
    const ledger = () => createClaimLedger({ indexedDB: factory, writeKey: 'wk', wallNow: () => Date.now(), scheduler: browserScheduler });
    const tabs = [0, 1].map(() => page(countingStorage(new Map(backlog.data)).storage, { ledger: ledger() }));
    await advanceWithIndexedDb(1000);
    const sent = tabs.flatMap(tab => tab.sentOptions.map(o => o.messageId)).filter(Boolean);
    expect(sent.length).toBe(40);
    expect(new Set(sent).size).toBe(40);
  });

  it('without a ledger, the same two tabs would both send the backlog (why the ledger exists)', async () => {
    const backlog = countingStorage();
    storeBacklog(backlog.storage, 40);
    const tabs = [0, 1].map(() => page(countingStorage(new Map(backlog.data)).storage, {}));
    await advance(1000);
    expect(tabs.flatMap(tab => tab.sentOptions.map(o => o.messageId)).filter(Boolean)).toHaveLength(80);
  });

  it('nothing is handed over until the ledger answers; then the calls it granted, in order, before the new ones', async () => {
    const { data, storage } = countingStorage();
    storeBacklog(storage, 2, null, 'anon');
    storeBacklog(storage, 3, 'u', 'mine');
    const { ledger, claims } = heldLedger();
    const tab = page(storage, { ledger });
    tab.delivery.enqueue(clickCall('new'));
    await advance(500);
    expect(tab.sent).toEqual([]);
    expect(claims.map(c => c.ids)).toEqual([['anon0', 'anon1']]);
    claims[0].answer(['anon1']); // another tab took anon0
    await advance(500);
    expect(claims.map(c => c.ids)).toEqual([['anon0', 'anon1'], ['mine0', 'mine1', 'mine2']]);
    expect(tab.sent).toEqual(['click anon-1 as anonymous', 'identify u']);
    claims[1].answer(['mine0', 'mine2']);
    await advance(500);
    expect(tab.sent).toEqual(['click anon-1 as anonymous', 'identify u', 'click mine-0 as u', 'click mine-2 as u', 'click new as u']);
    // What another tab was granted stays for it to remove.
    expect(stored(data)).toEqual(['anon0', 'mine1']);
  });

  it('the page left while a claim is unanswered: those calls stay stored, and a late answer takes nothing', async () => {
    const { data, storage } = countingStorage();
    storeBacklog(storage, 3, 'u', 'mine');
    const { ledger, claims } = heldLedger();
    const tab = page(storage, { ledger });
    await advance(500);
    expect(claims).toHaveLength(1);
    tab.life.leave();
    claims[0].answer(['mine0', 'mine1', 'mine2']);
    await advance(500);
    expect(tab.sent).toEqual(['identify u']);
    expect(stored(data)).toEqual(['mine0', 'mine1', 'mine2']);
  });

  it("calls stored when the page was hidden, taken by another tab meanwhile, are not sent again when it comes back", async () => {
    const { data, storage } = countingStorage();
    const { ledger, claims } = heldLedger();
    let ready: (t: Transport) => void = () => {};
    const { sent, transport } = recordingTransport();
    let n = 0;
    const tab = page(storage, { ledger, transport: new Promise<Transport>(r => (ready = r)), newId: () => `id-${++n}` });
    await advance(1);
    tab.delivery.enqueue(clickCall('hidden-1'));
    tab.delivery.enqueue(clickCall('hidden-2'));
    tab.life.leave(); // a tab switch, before the library loaded: both calls stored
    expect(stored(data)).toEqual(['id-1', 'id-2']);
    ready(transport);
    await advance(500);
    expect(claims.map(c => c.ids)).toEqual([['id-1', 'id-2']]);
    expect(sent).toEqual(['identify u']);
    claims[0].answer(['id-2']); // another tab's load took id-1
    await advance(500);
    expect(sent).toEqual(['identify u', 'click hidden-2 as u']);
    expect(stored(data)).toEqual(['id-1']);
  });

  it('calls another load claimed, then stored again as it was left (a reload): sent once that claim lapses, not at the next load only', async () => {
    const { data, storage, ledger } = await claimedByLeftLoad('u');
    const tab = page(storage, { ledger });
    await advanceWithIndexedDb(1000);
    expect(tab.sent).toEqual(['identify u']);
    await advance(60_000);
    await advanceWithIndexedDb(500);
    expect(tab.sent).toEqual(['identify u', 'click mine-0 as u', 'click mine-1 as u', 'click mine-2 as u']);
    expect(stored(data)).toEqual([]);
    // Claimed once more only if still stored: nothing is sent twice.
    await advance(120_000);
    await advanceWithIndexedDb(500);
    expect(tab.sent).toHaveLength(4);
  });

  it.each([
    ['unloaded for good: the next load sends them at once (the claim goes with them)', { final: true }, 3],
    ['kept in the back/forward cache (it may come back): the next load waits for the hold', { final: false, pageHide: true }, 0],
  ])('a load that took stored calls and was left before seeing them delivered, %s', async (_, leave, atOnce) => {
    const { data, storage } = countingStorage();
    storeBacklog(storage, 3, 'u', 'mine');
    const factory = new IDBFactory();
    const ledger = () => createClaimLedger({ indexedDB: factory, writeKey: 'wk', wallNow: () => Date.now(), scheduler: browserScheduler });
    const first = page(storage, { ledger: ledger() });
    await advanceWithIndexedDb(1000);
    expect(first.sent).toEqual(['identify u', 'click mine-0 as u', 'click mine-1 as u', 'click mine-2 as u']);
    // The library still holds them (no answer yet) as the page goes: stored again.
    first.transport.heldInMemory = () =>
      ['mine0', 'mine1', 'mine2'].map((messageId, i) => ({ messageId, owner: 'u', call: { ...clickCall(`mine-${i}`), timestamp: new Date() } }));
    first.life.leave(leave);
    expect(stored(data)).toEqual(['mine0', 'mine1', 'mine2']);
    const next = page(storage, { ledger: ledger() });
    await advanceWithIndexedDb(1000);
    expect(next.sent.slice(1)).toHaveLength(atOnce);
    await advance(60_000);
    await advanceWithIndexedDb(500);
    expect(next.sent).toEqual(['identify u', 'click mine-0 as u', 'click mine-1 as u', 'click mine-2 as u']);
    expect(stored(data)).toEqual([]);
  });

  it("a claim read with stored calls is not stored again by a load that may come back: another tab does not send what it still holds", async () => {
    const { data, storage } = countingStorage();
    const factory = new IDBFactory();
    const ledger = (f: IDBFactory = factory) => createClaimLedger({ indexedDB: f, writeKey: 'wk', wallNow: () => Date.now(), scheduler: browserScheduler });
    // A load claimed them and was unloaded for good: stored with its claim.
    const left = ledger();
    void left.claim(['m0', 'm1', 'm2']);
    await advanceWithIndexedDb(50);
    const claim = left.heldClaim('m0');
    storeOf(storage).save(
      [0, 1, 2].map(i => ({ messageId: `m${i}`, owner: 'u', claim, call: { ...clickCall(`m-${i}`), timestamp: new Date(Date.now() - 1000 + i) } })),
    );
    // The next load's IndexedDB does not answer (its claims are not recorded); Segment is slow: one call in flight.
    const hanging = { open: () => ({}) } as unknown as IDBFactory;
    const b = page(storage, { ledger: ledger(hanging), maxInFlight: 1 });
    b.transport.send = (_call, options) => {
      b.sentOptions.push(options);
      return new Promise(() => {});
    };
    await advanceWithIndexedDb(10_500);
    // Hidden, kept in the back/forward cache: what it still holds is stored, without the other load's claim.
    b.life.leave({ final: false, pageHide: true });
    const marked = (JSON.parse(data.get(callStoreKey('wk'))!).calls as { claim?: number }[]).filter(c => c.claim !== undefined);
    expect(marked).toEqual([]);
    await advanceWithIndexedDb(1000);
    const other = page(storage, { ledger: ledger() });
    await advanceWithIndexedDb(2000);
    expect(other.sent).toEqual(['identify u']);
  });

  it("anonymous calls claimed late carry a fresh anonymous id, not that of this load's user", async () => {
    const { storage, ledger } = await claimedByLeftLoad(null);
    const tab = page(storage, { ledger });
    await advanceWithIndexedDb(1000);
    await advance(60_000);
    await advanceWithIndexedDb(500);
    expect(tab.sent.slice(1)).toEqual(['click mine-0 as anonymous', 'click mine-1 as anonymous', 'click mine-2 as anonymous']);
    const ids = new Set(tab.sentOptions.slice(1).map(o => o.anonymousId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toEqual(expect.any(String));
  });

  it('switched off (the user\'s choice) before the claim lapses: nothing is claimed or taken later', async () => {
    const { data, storage, ledger } = await claimedByLeftLoad('u');
    const tab = page(storage, { ledger });
    await advanceWithIndexedDb(1000);
    tab.delivery.stop();
    await advance(60_000);
    await advanceWithIndexedDb(500);
    expect(tab.sent).toEqual(['identify u']);
    expect(stored(data)).toEqual(['mine0', 'mine1', 'mine2']);
  });
});
