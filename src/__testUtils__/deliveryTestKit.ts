import { callStoreKey, createCallStore, KeyValueStorage } from '../delivery/callStore';
import { Delivery } from '../delivery/Delivery';
import { DeliveryOptions } from '../delivery/deliveryOptions';
import { createStoredOwner } from '../delivery/storedOwner';
import { Scheduler } from '../time/scheduler';
import { SendOptions, Transport } from '../delivery/Transport';
import { SegmentCall } from '../mapping/SegmentCall';
import type { PageLeave } from '../delivery/pageLifecycle';

/** A transport that records, in order, what it was handed: `identify u`, `click a as u`... */
export function recordingTransport() {
  const sent: string[] = [];
  const options: SendOptions[] = [];
  const transport: Transport = {
    startSession(userId) {
      sent.push(userId ? `identify ${userId}` : 'anonymous session');
    },
    send(call, opts) {
      options.push(opts);
      sent.push(`${call.type === 'page' ? 'page' : call.event} ${call.properties.subject} as ${opts.userId ?? 'anonymous'}`);
    },
  };
  return { sent, options, transport };
}

/** A `click` track call on subject `subject`, captured now (wall clock). */
export function clickCall(subject: string): SegmentCall {
  return {
    type: 'track',
    event: 'click',
    properties: { subject, action: 'click' },
    page: { url: 'http://x/', path: '/', search: '', title: 't', referrer: '' },
    timestamp: new Date(),
  };
}

/** Storage in a Map (`data`, a new one by default) that counts its reads, writes and the characters written. */
export function countingStorage(data = new Map<string, string>()) {
  const ops = { reads: 0, writes: 0, written: 0 };
  const storage: KeyValueStorage = {
    getItem: key => {
      ops.reads++;
      return data.get(key) ?? null;
    },
    setItem: (key, value) => {
      ops.writes++;
      ops.written += value.length;
      data.set(key, value);
    },
    removeItem: key => {
      ops.writes++;
      data.delete(key);
    },
    key: i => [...data.keys()][i] ?? null,
    get length() {
      return data.size;
    },
  };
  return { data, ops, storage };
}

/**
 * Jest's fake timers as Delivery's scheduler, with work that takes time:
 * `spend(ms)` moves the monotonic clock on, as a slow library call would.
 */
export function costlyScheduler() {
  let spent = 0;
  const scheduler: Scheduler = {
    now: () => performance.now() + spent,
    wallNow: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: handle => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  return { scheduler, spend: (ms: number) => void (spent += ms) };
}

/**
 * Counts the calls `transport` is handed in each task (a task ends at the
 * next microtask checkpoint); `each` runs before each call.
 */
export function countPerTask(transport: Transport, each: () => void = () => {}): number[] {
  const perTask: number[] = [];
  let inTask = false;
  const send = transport.send;
  transport.send = (call, options) => {
    if (!inTask) {
      inTask = true;
      perTask.push(0);
      queueMicrotask(() => (inTask = false));
    }
    perTask[perTask.length - 1]++;
    each();
    return send(call, options);
  };
  return perTask;
}

/** A page lifecycle the test drives: `leave()` is a pagehide (`leave({ final: false })`: hidden, say); `back()`: shown again. */
export function drivenLifecycle() {
  const listeners: ((leave?: PageLeave) => void)[] = [];
  const backs: (() => void)[] = [];
  return {
    onPageLeave: (listener: (leave?: PageLeave) => void, back: () => void) => {
      listeners.push(listener);
      backs.push(back);
    },
    leave: (leave?: PageLeave) => listeners.forEach(listener => listener(leave)),
    back: () => backs.forEach(back => back()),
  };
}

/** A page's localStorage in memory: `data` holds what was written. */
export function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
    key: (i: number) => [...data.keys()][i] ?? null,
    get length() {
      return data.size;
    },
  };
}

/** The calls kept for the next load (write key `wk`) in a {@link memoryStorage}, as stored. */
export function storedCalls(storage: ReturnType<typeof memoryStorage>): any[] {
  const raw = storage.data.get(callStoreKey('wk'));
  return raw ? (JSON.parse(raw).calls as any[]) : [];
}

/**
 * A page load's Delivery with the carry-over store in `storage` (write key
 * `wk`), messageIds `id-1`, `id-2`..., a lifecycle the test drives; its
 * transport never loads unless `options` gives one.
 */
export function deliveryWithStore(storage: KeyValueStorage, options: Partial<DeliveryOptions>) {
  const log = { warn: jest.fn(), info: jest.fn() };
  const life = drivenLifecycle();
  let n = 0;
  const d = new Delivery({
    transport: new Promise(() => {}),
    identityTimeoutMs: 5000,
    logger: log,
    store: createCallStore({ storage, writeKey: 'wk', now: () => Date.now(), logger: log }),
    storedOwner: createStoredOwner(storage, 'wk'),
    onPageLeave: life.onPageLeave,
    newId: () => `id-${++n}`,
    ...options,
  });
  return { d, life, log };
}

/** Records the JSON body of every `fetch` from now on (the library's requests), each answered 200 `{}`; `jest.restoreAllMocks()` ends it. */
export function recordFetchBodies(): Array<Record<string, any>> {
  const posted: Array<Record<string, any>> = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
    posted.push(JSON.parse(String(init?.body)));
    return new Response('{}', { status: 200 });
  });
  return posted;
}
