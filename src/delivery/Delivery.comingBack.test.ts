import { IDBFactory } from 'fake-indexeddb';
import { advanceWithIndexedDb, nextMillisecond } from '../__testUtils__/fakeTime';
import { clickCall, deliveryWithStore, memoryStorage, recordingTransport, storedCalls } from '../__testUtils__/deliveryTestKit';
import type { StoredCall } from './callStore';
import { ClaimLedger, createClaimLedger } from './claimLedger';
import { createCallStore } from './callStore';
import { browserScheduler } from '../time/scheduler';

const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);
const subjects = (storage: ReturnType<typeof memoryStorage>) => storedCalls(storage).map(s => s.call.properties.subject);
/** The back/forward cache keeps the page: a `pagehide` it may come back from. */
const intoCache = { final: false, pageHide: true };

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** A page load whose library is ready, and the next load of the app, which records what it sends. */
async function pageThenNextLoad(storage: ReturnType<typeof memoryStorage>, held: () => StoredCall[] = () => []) {
  const first = recordingTransport();
  first.transport.heldInMemory = held;
  const page = deliveryWithStore(storage, { transport: Promise.resolve(first.transport), userId: Promise.resolve('u') });
  await advance(10);
  const nextLoad = async () => {
    const next = recordingTransport();
    deliveryWithStore(storage, { transport: Promise.resolve(next.transport), userId: Promise.resolve('u'), newId: () => 'next' });
    await advance(100);
    return next.sent;
  };
  return { ...page, sent: first.sent, nextLoad };
}

/** A claim ledger that answers when the test says: `grant(i)` grants the i-th claim all it asked for. */
function answeredLedger() {
  const claims: Array<{ ids: string[]; answer: (granted: Set<string>) => void }> = [];
  const ledger: ClaimLedger = { claim: ids => new Promise(answer => claims.push({ ids, answer })), heldClaim: () => undefined };
  const grant = async (i: number) => {
    claims[i].answer(new Set(claims[i].ids));
    await advance(0);
  };
  return { ledger, claims, grant };
}

/**
 * A page whose library is ready and whose identity comes late: `a` is stored as the page is hidden,
 * to be claimed back once it is shown again and its user signed in; then it is hidden again while that claim is unanswered.
 */
async function hiddenAgainWhileClaiming(storage: ReturnType<typeof memoryStorage>) {
  const library = recordingTransport();
  const { ledger, claims, grant } = answeredLedger();
  let signIn!: (user: string) => void;
  const userId = new Promise<string>(resolve => (signIn = resolve));
  const page = deliveryWithStore(storage, { transport: Promise.resolve(library.transport), userId, ledger, identityTimeoutMs: 600_000 });
  await advance(10);
  page.d.enqueue(clickCall('a'));
  page.life.leave({ final: false });
  page.life.back();
  signIn('u');
  await advance(1);
  expect(claims).toHaveLength(1); // asked to take back 'a'
  page.life.leave({ final: false });
  expect(subjects(storage)).toEqual(['a']);
  return { ...page, sent: library.sent, claims, grant };
}

describe('a page shown again after it was hidden or left for the back/forward cache', () => {
  it('takes back the copies it stored of the calls it handed over then: the next load does not send them again', async () => {
    const storage = memoryStorage();
    const page = await pageThenNextLoad(storage);
    page.d.enqueue(clickCall('a'));
    page.d.enqueue(clickCall('b'));
    page.life.leave(intoCache);
    expect(page.sent).toEqual(['identify u', 'click a as u', 'click b as u']);
    expect(subjects(storage)).toEqual(['a', 'b']);
    page.life.back();
    expect(subjects(storage)).toEqual([]);
    // Left again later (a reload, the tab closed): nothing of the first round is stored again.
    page.life.leave();
    expect(await page.nextLoad()).toEqual(['identify u']);
  });

  it('not shown again (the cache dropped it, or the tab was hidden and then closed): the copies stay, and the next load sends them', async () => {
    const storage = memoryStorage();
    const page = await pageThenNextLoad(storage);
    page.d.enqueue(clickCall('a'));
    page.life.leave({ final: false });
    page.life.leave();
    expect(await page.nextLoad()).toEqual(['identify u', 'click a as u']);
  });

  it('takes back the copies of what the library held in memory (a batch) when it went into the cache', async () => {
    const storage = memoryStorage();
    const batch: StoredCall = { messageId: 'm-1', owner: 'u', call: clickCall('in a batch') };
    let holds = [batch];
    const page = await pageThenNextLoad(storage, () => holds);
    page.life.leave(intoCache);
    expect(subjects(storage)).toEqual(['in a batch']);
    page.life.back();
    expect(subjects(storage)).toEqual([]);
    // Still held when the page goes for good: stored again.
    page.life.leave();
    expect(subjects(storage)).toEqual(['in a batch']);
    holds = [];
    expect(await page.nextLoad()).toEqual(['identify u', 'click in a batch as u']);
  });

  it('keeps stored what it could not hand over as it was hidden (the library loading): taken back only as it sends them', async () => {
    const storage = memoryStorage();
    const page = deliveryWithStore(storage, { userId: Promise.resolve('u') });
    await advance(10);
    page.d.enqueue(clickCall('waits for the library'));
    page.life.leave({ final: false });
    page.life.back();
    expect(subjects(storage)).toEqual(['waits for the library']);
  });

  it('hidden again while its claim to take back what it stored is unanswered, then shown: the calls are sent, not lost', async () => {
    const storage = memoryStorage();
    const library = recordingTransport();
    let signIn!: (user: string) => void;
    const userId = new Promise<string>(resolve => (signIn = resolve));
    const ledger = createClaimLedger({ indexedDB: new IDBFactory(), writeKey: 'wk', wallNow: () => Date.now(), scheduler: browserScheduler });
    const page = deliveryWithStore(storage, { transport: Promise.resolve(library.transport), userId, ledger, identityTimeoutMs: 600_000 });
    await advance(10);
    page.d.enqueue(clickCall('a'));
    page.life.leave({ final: false }); // the identity pending: stored, to be claimed back
    page.life.back();
    signIn('u');
    await advance(1); // the session starts; the claim is asked of IndexedDB
    page.life.leave({ final: false }); // hidden before it answers
    await advanceWithIndexedDb(300);
    page.life.back();
    await advanceWithIndexedDb(1000);
    expect(library.sent).toEqual(['identify u', 'click a as u']);
    expect(subjects(storage)).toEqual([]);
  });

  it('hidden again while its claim is unanswered: the calls are sent as it is hidden, a copy stays stored (the page may never run again)', async () => {
    const storage = memoryStorage();
    const page = await hiddenAgainWhileClaiming(storage);
    expect(page.sent).toEqual(['identify u', 'click a as u']);
    // The claim answered late changes nothing: the copy stays for the next load (same messageId), sent once here.
    await page.grant(0);
    expect(page.claims).toHaveLength(1);
    expect(page.sent).toEqual(['identify u', 'click a as u']);
    expect(subjects(storage)).toEqual(['a']);
  });

  it('hidden again while its claim is unanswered, and shown before it answers: sent once, and the copy taken back', async () => {
    const storage = memoryStorage();
    const page = await hiddenAgainWhileClaiming(storage);
    page.life.back();
    expect(subjects(storage)).toEqual([]);
    await page.grant(0);
    await advance(100);
    expect(page.sent).toEqual(['identify u', 'click a as u']);
    expect(subjects(storage)).toEqual([]);
  });

  it('hidden with more calls than the store keeps (its user not known yet): those it could not store are still sent', async () => {
    const storage = memoryStorage();
    const library = recordingTransport();
    let signIn!: (user: string) => void;
    const userId = new Promise<string>(resolve => (signIn = resolve));
    const logger = { warn: jest.fn(), info: jest.fn() };
    const store = createCallStore({ storage, writeKey: 'wk', now: () => Date.now(), logger, maxCalls: 1 });
    const page = deliveryWithStore(storage, { transport: Promise.resolve(library.transport), userId, store, identityTimeoutMs: 600_000 });
    await advance(10);
    page.d.enqueue(clickCall('older'));
    nextMillisecond();
    page.d.enqueue(clickCall('newer'));
    page.life.leave({ final: false });
    expect(subjects(storage)).toEqual(['newer']);
    page.life.back();
    signIn('u');
    await advance(10);
    expect(library.sent).toEqual(['identify u', 'click older as u', 'click newer as u']);
    expect(subjects(storage)).toEqual([]);
  });
});
