import { clickCall, costlyScheduler, countingStorage, countPerTask, drivenLifecycle, recordingTransport } from '../__testUtils__/deliveryTestKit';
import { callStoreKey, CallStore, createCallStore, KeyValueStorage, StoredCall } from './callStore';
import { Delivery } from './Delivery';
import { DeliveryOptions } from './deliveryOptions';
import { createStoredOwner } from './storedOwner';
import { Transport } from './Transport';

const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);
const quiet = () => ({ warn: jest.fn(), info: jest.fn() });

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

function storeOn(storage: KeyValueStorage): CallStore {
  return createCallStore({ storage, writeKey: 'wk', now: () => Date.now(), logger: quiet() });
}

/** `n` calls an earlier page load stored, captured a minute ago, oldest first. */
function backlog(storage: KeyValueStorage, n: number, owner: string | null = 'u') {
  const calls: StoredCall[] = Array.from({ length: n }, (_, i) => ({
    messageId: `m${i}`,
    owner,
    call: { ...clickCall(`old-${i}`), timestamp: new Date(Date.now() - 60_000 + i) },
  }));
  storeOn(storage).save(calls);
}

function load(storage: KeyValueStorage, transport: Transport | Promise<Transport>, options: Partial<DeliveryOptions> = {}) {
  return new Delivery({
    transport: Promise.resolve(transport),
    userId: Promise.resolve('u'),
    identityTimeoutMs: 1000,
    logger: quiet(),
    store: storeOn(storage),
    storedOwner: createStoredOwner(storage, 'wk'),
    ...options,
  });
}

const sentIds = (options: { messageId?: string }[]) => options.flatMap(o => (o.messageId ? [o.messageId] : []));

describe('Delivery restoring a stored backlog', () => {
  it('500 stored calls: one read and one write of each key of the store in all, each call once, in order, before the new ones', async () => {
    const { storage, ops } = countingStorage();
    backlog(storage, 500);
    ops.reads = ops.writes = ops.written = 0;
    const { sent, options, transport } = recordingTransport();
    const d = load(storage, transport);
    d.enqueue(clickCall('new'));
    await advance(10_000);
    expect(sent[0]).toBe('identify u');
    expect(sent.slice(1, 501)).toEqual(Array.from({ length: 500 }, (_, i) => `click old-${i} as u`));
    expect(sent.slice(501)).toEqual(['click new as u']);
    expect(sentIds(options)).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
    // Reading the owner, and the store's keys (the shared key, the storing page's copy, this page's own) to fold
    // the copy into the shared key as the page loads, to load and to take: constant, not per call.
    expect(ops.writes).toBe(3);
    expect(ops.reads).toBeLessThanOrEqual(8);
    expect(storage.getItem(callStoreKey('wk'))).toBeNull();
  });

  it('is handed over in slices: no task of the module hands over more than its 8 ms slice allows', async () => {
    const { storage } = countingStorage();
    backlog(storage, 300);
    const { sent, transport } = recordingTransport();
    const clock = costlyScheduler();
    // Each call costs the library 5 ms (cookie and storage round trips): about 2 s for the backlog in one task.
    const perTask = countPerTask(transport, () => clock.spend(5));
    load(storage, transport, { scheduler: clock.scheduler });
    await advance(20_000);
    expect(sent).toHaveLength(301);
    expect(Math.max(...perTask)).toBeLessThanOrEqual(2); // at most 8 ms, plus the call that crossed it
  });

  it('a call slower than a whole slice is handed over alone in its task', async () => {
    const { storage } = countingStorage();
    backlog(storage, 20);
    const { sent, transport } = recordingTransport();
    const clock = costlyScheduler();
    const perTask = countPerTask(transport, () => clock.spend(30));
    load(storage, transport, { scheduler: clock.scheduler });
    await advance(5_000);
    expect(sent).toHaveLength(21);
    expect(Math.max(...perTask)).toBe(1);
  });

  it('the page left during the restore: what was not handed over is kept, and the next load sends it, once', async () => {
    const { storage } = countingStorage();
    backlog(storage, 200);
    const first = recordingTransport();
    const clock = costlyScheduler();
    countPerTask(first.transport, () => clock.spend(5));
    const life = drivenLifecycle();
    let leaving = false;
    const send = first.transport.send;
    // The library's pipeline runs on timers: while leaving, what is handed over does not get out.
    const delivered: string[] = [];
    first.transport.send = (c, o) => {
      if (!leaving) delivered.push(o.messageId!);
      return send(c, o);
    };
    load(storage, first.transport, { scheduler: clock.scheduler, onPageLeave: life.onPageLeave });
    await advance(50);
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.length).toBeLessThan(200);
    leaving = true;
    life.leave();

    const second = recordingTransport();
    load(storage, second.transport);
    await advance(10_000);
    const resent = sentIds(second.options);
    // Everything not delivered before the page went away is sent by the next load.
    expect(new Set([...delivered, ...resent]).size).toBe(200);
    expect(resent.filter(id => delivered.includes(id))).toEqual([]);
    expect(new Set(resent).size).toBe(resent.length);
  });

  it('two loads restoring from one store at once: each call is sent by one of them only', async () => {
    const { storage } = countingStorage();
    backlog(storage, 100);
    const a = recordingTransport();
    const b = recordingTransport();
    let readyB: (t: Transport) => void = () => {};
    load(storage, a.transport);
    load(storage, new Promise<Transport>(r => (readyB = r)));
    await advance(1);
    readyB(b.transport);
    await advance(10_000);
    const all = [...sentIds(a.options), ...sentIds(b.options)];
    expect(all).toHaveLength(100);
    expect(new Set(all).size).toBe(100);
  });

  it('calls stored when the page was hidden are claimed back in one write when it comes back', async () => {
    const { storage, ops } = countingStorage();
    const life = drivenLifecycle();
    let ready: (t: Transport) => void = () => {};
    const d = load(storage, new Promise<Transport>(r => (ready = r)), { onPageLeave: life.onPageLeave });
    await advance(1);
    for (let i = 0; i < 300; i++) d.enqueue(clickCall(`hidden-${i}`));
    life.leave(); // a tab switch before the library is ready: stored
    expect(storeOn(storage).load()).toHaveLength(300);
    ops.reads = ops.writes = ops.written = 0;
    const { sent, transport } = recordingTransport();
    ready(transport);
    await advance(10_000);
    expect(sent).toEqual(['identify u', ...Array.from({ length: 300 }, (_, i) => `click hidden-${i} as u`)]);
    // The store opened above to look folded the page's copy into the shared key, as a page loading would.
    expect(ops.writes).toBe(1);
    expect(storage.getItem(callStoreKey('wk'))).toBeNull();
  });

  it('of the calls it stored when hidden, the page sends only those no other load has taken meanwhile', async () => {
    const { storage } = countingStorage();
    const life = drivenLifecycle();
    let ready: (t: Transport) => void = () => {};
    const d = load(storage, new Promise<Transport>(r => (ready = r)), { onPageLeave: life.onPageLeave, newId: (() => { let n = 0; return () => `id-${n++}`; })() });
    await advance(1);
    for (const s of ['a', 'b', 'c']) d.enqueue(clickCall(s));
    life.leave();
    expect(storeOn(storage).take(['id-1'])).toEqual(new Set(['id-1'])); // another tab sent 'b'
    const { sent, transport } = recordingTransport();
    ready(transport);
    await advance(100);
    expect(sent).toEqual(['identify u', 'click a as u', 'click c as u']);
  });

  it('calls stored when hidden while the identity was pending go out as the user once it arrives (not as restored anonymous calls)', async () => {
    const { storage } = countingStorage();
    const life = drivenLifecycle();
    let ready: (t: Transport) => void = () => {};
    let identify: (id: string) => void = () => {};
    const d = load(storage, new Promise<Transport>(r => (ready = r)), {
      onPageLeave: life.onPageLeave,
      userId: new Promise<string>(r => (identify = r)),
      identityTimeoutMs: 60_000,
    });
    d.enqueue(clickCall('while-pending'));
    life.leave();
    expect(storeOn(storage).load().map(s => s.owner)).toEqual([null]);
    const { sent, transport } = recordingTransport();
    ready(transport);
    await advance(10);
    expect(sent).toEqual([]);
    identify('u');
    await advance(10);
    expect(sent).toEqual(['identify u', 'click while-pending as u']);
    expect(storage.getItem(callStoreKey('wk'))).toBeNull();
  });

  it("the user's identify is stamped no later than the calls an earlier load of theirs kept, so that Segment orders it first", async () => {
    const storage = countingStorage().storage;
    backlog(storage, 2); // captured a minute ago, by the user's previous page
    const stamps: Array<[string, number]> = [];
    const transport: Transport = {
      startSession: (userId, at) => void stamps.push([`identify ${userId}`, at.getTime()]),
      send: call => void stamps.push([String(call.properties.subject), call.timestamp.getTime()]),
    };
    const d = load(storage, transport);
    d.enqueue(clickCall('new'));
    await advance(10_000);
    expect(stamps.map(([what]) => what)).toEqual(['identify u', 'old-0', 'old-1', 'new']);
    expect(stamps[0][1]).toBeLessThanOrEqual(Math.min(...stamps.slice(1).map(([, at]) => at)));
  });
});
