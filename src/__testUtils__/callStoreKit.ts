import { SegmentCall } from '../mapping/SegmentCall';
import { createCallStore, StoredCall } from '../delivery/callStore';

// The carry-over store's tests: a browser's localStorage and a tab's view of it, calls to keep, a store on them.

/** The time the stores run at. */
export const NOW = Date.parse('2026-11-23T12:00:00Z');

/** localStorage in a Map (`data`), refusing a value over `quotaChars` characters as a full one does. */
export function memoryStorage(quotaChars = Infinity) {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (v.length > quotaChars) throw new DOMException('full', 'QuotaExceededError');
      data.set(k, v);
    },
    removeItem: (k: string) => void data.delete(k),
    key: (i: number) => [...data.keys()][i] ?? null,
    get length() {
      return data.size;
    },
  };
}

/**
 * localStorage in a Map with one quota for the whole origin (keys and values, in characters), as browsers
 * count it; `quota` may be changed at any time (`used()` is what it holds now).
 */
export function originStorage(quota = Infinity) {
  const data = new Map<string, string>();
  const origin = {
    data,
    quota,
    used: () => [...data].reduce((n, [k, v]) => n + k.length + v.length, 0),
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => {
      const held = data.has(k) ? k.length + data.get(k)!.length : 0;
      if (origin.used() - held + k.length + v.length > origin.quota) throw new DOMException('full', 'QuotaExceededError');
      data.set(k, v);
    },
    removeItem: (k: string) => void data.delete(k),
    key: (i: number) => [...data.keys()][i] ?? null,
    get length() {
      return data.size;
    },
  };
  return origin;
}

/**
 * A tab's view of the browser's localStorage, as Chromium gives it: a copy
 * taken when the tab loaded, read without seeing what other tabs wrote since;
 * its writes reach the browser's storage at once (the last write of a key wins).
 */
export function tabView(browser: ReturnType<typeof memoryStorage>) {
  const cache = new Map(browser.data);
  return {
    getItem: (k: string) => cache.get(k) ?? null,
    setItem: (k: string, v: string) => {
      cache.set(k, v);
      browser.data.set(k, v);
    },
    removeItem: (k: string) => {
      cache.delete(k);
      browser.data.delete(k);
    },
    key: (i: number) => [...cache.keys()][i] ?? null,
    get length() {
      return cache.size;
    },
  };
}

/** A kept click `ageMs` old (negative: in the future), for `owner`. */
export const stored = (id: string, ageMs = 0, owner: string | null = 'u', subject = id): StoredCall => ({
  messageId: id,
  owner,
  call: {
    type: 'track',
    event: 'click',
    properties: { subject, action: 'click' },
    page: { url: 'http://x/', path: '/', search: '', title: 't', referrer: '' },
    timestamp: new Date(NOW - ageMs),
  } as SegmentCall,
});

/** A logger that records. */
export const quiet = () => ({ warn: jest.fn(), info: jest.fn() });

/** A store of write key `wk` (unless given) on `storage`, at {@link NOW}, with its logger. */
export function storeOn(storage: ReturnType<typeof memoryStorage>, options: { maxCalls?: number; maxChars?: number; writeKey?: string; pageId?: string } = {}) {
  const logger = { warn: jest.fn(), info: jest.fn() };
  const store = createCallStore({ storage, writeKey: options.writeKey ?? 'wk', now: () => NOW, logger, ...options });
  return { store, logger };
}
