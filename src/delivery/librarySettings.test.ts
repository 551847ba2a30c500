import { memoryStorage } from '../__testUtils__/deliveryTestKit';
import { createCallStore } from './callStore';
import { dropLibraryCopiesOfKeptCalls, dropQueuesOfAnotherUser, dropQueuesOfOtherSettings, purgeExpiredOfOtherWriteKeys } from './librarySettings';
import { storedText, toWire } from './storedCallFormat';
import { NOW, stored } from '../__testUtils__/callStoreKit';

function storageWith(entries: Record<string, string>) {
  const storage = memoryStorage();
  Object.entries(entries).forEach(([key, value]) => storage.data.set(key, value));
  return storage;
}

const QUEUE = 'persisted-queue:v1:wk:dest-Segment.io:items';
const OTHER_KEYS_QUEUE = 'persisted-queue:v1:other:dest-Segment.io:items';

describe('dropQueuesOfOtherSettings', () => {
  it("removes the write key's library queues left by a load under other settings, and records these", () => {
    const storage = storageWith({ 'backstage-segment:wk:settings': 'loose', [QUEUE]: '[{"event":{}}]', [OTHER_KEYS_QUEUE]: '[]' });
    expect(dropQueuesOfOtherSettings(storage, 'wk', 'strict')).toBe(true);
    expect([...storage.data.keys()].sort()).toEqual(['backstage-segment:wk:settings', OTHER_KEYS_QUEUE]);
    expect(storage.data.get('backstage-segment:wk:settings')).toBe('strict');
  });

  it.each<[string, Record<string, string>]>([
    ['the same settings', { 'backstage-segment:wk:settings': 'strict' }],
    ['no record (the first load, or a version before it)', {}],
  ])('keeps them under %s', (_label, record) => {
    const storage = storageWith({ ...record, [QUEUE]: '[]' });
    expect(dropQueuesOfOtherSettings(storage, 'wk', 'strict')).toBe(false);
    expect(storage.data.get(QUEUE)).toBe('[]');
    expect(storage.data.get('backstage-segment:wk:settings')).toBe('strict');
  });

  it('never throws, whatever storage does', () => {
    const refusing = {
      ...storageWith({}),
      getItem: () => {
        throw new Error('denied');
      },
    };
    expect(dropQueuesOfOtherSettings(refusing, 'wk', 'x')).toBe(false);
    expect(dropQueuesOfOtherSettings(undefined, 'wk', 'x')).toBe(false);
  });
});

describe('dropQueuesOfAnotherUser (delivery: backend)', () => {
  const queued = () => storageWith({ [QUEUE]: '[{"event":{"event":"search"}}]', [OTHER_KEYS_QUEUE]: '[]' });

  it("removes the library's retries kept while another user was signed in, once this user is known", async () => {
    const storage = queued();
    expect(await dropQueuesOfAnotherUser(storage, 'wk', 'digest-of-a', Promise.resolve('digest-of-b'), 5000)).toBe(true);
    expect([...storage.data.keys()]).toEqual([OTHER_KEYS_QUEUE]);
  });

  it.each<[string, string | undefined, Promise<string> | undefined]>([
    ['the same user', 'digest-of-a', Promise.resolve('digest-of-a')],
    ['no earlier user', undefined, Promise.resolve('digest-of-b')],
    ['a user that cannot be known', 'digest-of-a', Promise.reject(new Error('identity failed'))],
    ['no identity', 'digest-of-a', undefined],
  ])('keeps them for %s', async (_label, previous, userId) => {
    const storage = queued();
    expect(await dropQueuesOfAnotherUser(storage, 'wk', previous, userId, 5000)).toBe(false);
    expect(storage.data.has(QUEUE)).toBe(true);
  });

  it("removes them when a kept call is another user's, whoever the browser's identity names (a tab of theirs closed with calls unsent after another person signed in)", async () => {
    const storage = storageWith({ [QUEUE]: '[{"event":{"event":"search","userId":"digest-of-a"}}]', [OTHER_KEYS_QUEUE]: '[]' });
    expect(await dropQueuesOfAnotherUser(storage, 'wk', 'digest-of-b', Promise.resolve('digest-of-b'), 5000)).toBe(true);
    expect([...storage.data.keys()]).toEqual([OTHER_KEYS_QUEUE]);
    const unreadable = storageWith({ [QUEUE]: '{not json' });
    expect(await dropQueuesOfAnotherUser(unreadable, 'wk', undefined, Promise.resolve('digest-of-b'), 5000)).toBe(true);
    expect(unreadable.data.has(QUEUE)).toBe(false);
  });

  it("keeps this user's own kept calls, and anonymous ones of a browser whose identity is this user's", async () => {
    const own = '[{"event":{"event":"search","userId":"digest-of-b"}},{"event":{"event":"click"}}]';
    const storage = storageWith({ [QUEUE]: own });
    expect(await dropQueuesOfAnotherUser(storage, 'wk', 'digest-of-b', Promise.resolve('digest-of-b'), 5000)).toBe(false);
    expect(storage.data.get(QUEUE)).toBe(own);
  });

  it('keeps them when the user is not known within the wait', async () => {
    jest.useFakeTimers();
    try {
      const storage = queued();
      const dropped = dropQueuesOfAnotherUser(storage, 'wk', 'digest-of-a', new Promise<string>(() => {}), 5000);
      await jest.advanceTimersByTimeAsync(5000);
      expect(await dropped).toBe(false);
      expect(storage.data.has(QUEUE)).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('purgeExpiredOfOtherWriteKeys', () => {
  const HOUR = 60 * 60 * 1000;
  const call = (id: string, at: number) => ({
    messageId: id,
    owner: 'user:default/jane',
    call: {
      type: 'track' as const,
      event: 'click',
      properties: { subject: id },
      page: { url: 'http://x/', path: '/', search: '', title: 't', referrer: '' },
      timestamp: new Date(at),
    },
  });
  // Written and read back as by a store that keeps them longer: only the purge removes them.
  const keep = (storage: ReturnType<typeof memoryStorage>, writeKey: string, calls: ReturnType<typeof call>[]) =>
    createCallStore({ storage, writeKey, now: Date.now, logger: { warn: jest.fn(), info: jest.fn() }, maxAgeMs: 100 * HOUR }).save(calls);
  const kept = (storage: ReturnType<typeof memoryStorage>, writeKey: string) =>
    createCallStore({ storage, writeKey, now: Date.now, logger: { warn: jest.fn(), info: jest.fn() }, maxAgeMs: 100 * HOUR })
      .load()
      .map(s => s.messageId);

  it("removes another write key's events past their age (a rotated key: no load reads them), and keeps the others", () => {
    const storage = memoryStorage();
    keep(storage, 'rotated', [call('old', Date.now() - 25 * HOUR)]);
    keep(storage, 'rotated', [call('recent', Date.now() - HOUR)]);
    keep(storage, 'in-page', [call('in-page-old', Date.now() - 25 * HOUR)]);
    purgeExpiredOfOtherWriteKeys(storage, 'wk', key => key === 'in-page');
    expect(kept(storage, 'rotated')).toEqual(['recent']);
    // A write key an instance in this page sends for: its own to read.
    expect(kept(storage, 'in-page')).toEqual(['in-page-old']);
  });
});

describe('dropLibraryCopiesOfKeptCalls', () => {
  const hour = 60 * 60 * 1000;
  const kept = (...calls: Array<[string, number?, string?]>) =>
    storedText(calls.map(([id, ageMs = 0, settings = 'now']) => JSON.stringify(toWire(stored(id, ageMs), settings))));
  const libraryQueue = (...ids: string[]) => JSON.stringify(ids.map((messageId, i) => ({ id: `ctx-${i}`, event: { messageId } })));

  it("removes from the library's queues the calls the module keeps (its shared key and every page's copy); the module's stay", () => {
    const storage = storageWith({
      [QUEUE]: libraryQueue('a', 'b', 'retry-of-its-own'),
      'persisted-queue:v1:wk:event-queue:items': libraryQueue('c'),
      [OTHER_KEYS_QUEUE]: libraryQueue('a'),
      'backstage-segment:wk:pending': kept(['a'], ['x']),
      'backstage-segment:wk:pending:page-1': kept(['b'], ['c']),
    });
    expect(dropLibraryCopiesOfKeptCalls(storage, 'wk', 'now', NOW)).toBe(3);
    expect(storage.data.get(QUEUE)).toBe(libraryQueue('retry-of-its-own').replace('ctx-0', 'ctx-2'));
    expect(storage.data.has('persisted-queue:v1:wk:event-queue:items')).toBe(false);
    expect(storage.data.get(OTHER_KEYS_QUEUE)).toBe(libraryQueue('a'));
    expect(storage.data.get('backstage-segment:wk:pending')).toBe(kept(['a'], ['x']));
  });

  it.each<[string, Record<string, string>]>([
    ['the module keeps it no more (over 24 hours old)', { 'backstage-segment:wk:pending': kept(['a', 25 * hour]) }],
    ['the module keeps it under other settings (it will not send it)', { 'backstage-segment:wk:pending': kept(['a', 0, 'before']) }],
    ["a library queue that is not the library's JSON", { [QUEUE]: 'not json', 'backstage-segment:wk:pending': kept(['a']) }],
    ['an entry of the module that is not one', { 'backstage-segment:wk:pending': storedText([JSON.stringify({ messageId: 'a' })]) }],
  ])("leaves the library's copy when %s", (_label, entries) => {
    const storage = storageWith({ [QUEUE]: libraryQueue('a'), ...entries });
    expect(dropLibraryCopiesOfKeptCalls(storage, 'wk', 'now', NOW)).toBe(0);
    expect(storage.data.get(QUEUE)).toBe(entries[QUEUE] ?? libraryQueue('a'));
  });

  it('never throws, whatever storage does', () => {
    const refusing = {
      ...storageWith({ [QUEUE]: libraryQueue('a'), 'backstage-segment:wk:pending': kept(['a']) }),
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(dropLibraryCopiesOfKeptCalls(refusing, 'wk', 'now', NOW)).toBe(0);
    expect(dropLibraryCopiesOfKeptCalls(undefined, 'wk', 'now', NOW)).toBe(0);
  });
});
