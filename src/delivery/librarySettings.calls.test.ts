import { memoryStorage } from '../__testUtils__/deliveryTestKit';
import { createCallStore } from './callStore';
import { dropKeptCallsTheLibraryKept, dropLibraryCallsOf, libraryQueueMessageIds, purgeExpiredOfOtherWriteKeys } from './librarySettings';
import { stored, storeOn } from '../__testUtils__/callStoreKit';
import { OTHER_KEYS_QUEUE, QUEUE, storageWith } from '../__testUtils__/libraryQueueKit';

// The calls in the library's queues and in the module's carry-over store: each call sent by one of them only.

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

describe('dropKeptCallsTheLibraryKept', () => {
  const libraryQueue = (...ids: string[]) => JSON.stringify(ids.map(messageId => ({ id: `ctx-${messageId}`, event: { messageId } })));
  const SEEN = 'persisted-queue:v1:wk:dest-Segment.io:seen';
  /** The module's carry-over store on `storage`, keeping `ids` (each page saving its own). */
  const keeping = (storage: ReturnType<typeof storageWith>, ...pages: string[][]) => {
    pages.forEach((ids, page) => storeOn(storage, { pageId: `p${page}` }).store.save(ids.map(id => stored(id))));
    return storeOn(storage).store;
  };

  it("takes from the module's store the calls the library's queues hold, and gives them the library's tries afresh", () => {
    const storage = storageWith({
      [QUEUE]: libraryQueue('a', 'b', 'retried'),
      [SEEN]: JSON.stringify({ 'ctx-a': 10, 'ctx-b': 1, 'ctx-retried': 4 }),
      'persisted-queue:v1:wk:event-queue:items': libraryQueue('c'),
      [OTHER_KEYS_QUEUE]: libraryQueue('d'),
    });
    const store = keeping(storage, ['a', 'x', 'c', 'd'], ['b'], ['y']);
    expect(dropKeptCallsTheLibraryKept(storage, 'wk', ids => store.take(ids))).toBe(3);
    expect(store.load().map(call => call.messageId).sort()).toEqual(['d', 'x', 'y']);
    // The library's queues stay, for it to send; a call the module kept too has its tries afresh, the others keep theirs.
    expect(storage.data.get(QUEUE)).toBe(libraryQueue('a', 'b', 'retried'));
    expect(JSON.parse(storage.data.get(SEEN)!)).toEqual({ 'ctx-retried': 4 });
  });

  it.each<[string, Record<string, string>]>([
    ['no library queue', {}],
    ["a library queue that is not the library's JSON", { [QUEUE]: 'not json' }],
    ['another write key holding the call', { [OTHER_KEYS_QUEUE]: libraryQueue('a') }],
  ])('takes nothing with %s', (_label, entries) => {
    const storage = storageWith(entries);
    const store = keeping(storage, ['a']);
    expect(dropKeptCallsTheLibraryKept(storage, 'wk', ids => store.take(ids))).toBe(0);
    expect(store.load().map(call => call.messageId)).toEqual(['a']);
  });

  it("a call the store could not take (a key refusing writes) keeps the library's count of tries", () => {
    const storage = storageWith({ [QUEUE]: libraryQueue('a'), [SEEN]: JSON.stringify({ 'ctx-a': 3 }) });
    expect(dropKeptCallsTheLibraryKept(storage, 'wk', () => new Set())).toBe(0);
    expect(JSON.parse(storage.data.get(SEEN)!)).toEqual({ 'ctx-a': 3 });
  });

  it('never throws, whatever storage or the store does', () => {
    const refusing = {
      ...storageWith({ [QUEUE]: libraryQueue('a') }),
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(dropKeptCallsTheLibraryKept(refusing, 'wk', () => new Set(['a']))).toBe(0);
    const throwing = () => {
      throw new Error('denied');
    };
    expect(dropKeptCallsTheLibraryKept(storageWith({ [QUEUE]: libraryQueue('a') }), 'wk', throwing)).toBe(0);
    expect(dropKeptCallsTheLibraryKept(undefined, 'wk', () => new Set(['a']))).toBe(0);
  });
});

const item = (messageId: string) => ({ id: `ctx-${messageId}`, event: { messageId, anonymousId: 'same' } });

describe('dropLibraryCallsOf', () => {
  it("removes the calls of the given messageIds from the write key's queues, leaving the others and other write keys'", () => {
    const storage = storageWith({
      [QUEUE]: JSON.stringify([item('cut-1'), item('new'), item('cut-2')]),
      'persisted-queue:v1:wk:event-queue:items': JSON.stringify([item('cut-1')]),
      [OTHER_KEYS_QUEUE]: JSON.stringify([item('cut-1')]),
    });
    dropLibraryCallsOf(storage, 'wk', new Set(['cut-1', 'cut-2']));
    expect(JSON.parse(storage.data.get(QUEUE)!)).toEqual([item('new')]);
    expect(storage.data.has('persisted-queue:v1:wk:event-queue:items')).toBe(false); // nothing left: removed
    expect(JSON.parse(storage.data.get(OTHER_KEYS_QUEUE)!)).toEqual([item('cut-1')]);
  });

  it("keeps in the queue's record of tries (by context id) those of the calls left only, and removes it once empty: nothing of the removed or sent calls is left behind", () => {
    const withId = (messageId: string) => ({ ...item(messageId), id: `ctx-${messageId}` });
    const storage = storageWith({
      [QUEUE]: JSON.stringify([withId('cut'), withId('new')]),
      // `ctx-sent`: a call the library retried and delivered (it never prunes the record)
      [QUEUE.replace(/:items$/, ':seen')]: JSON.stringify({ 'ctx-cut': 8, 'ctx-new': 1, 'ctx-sent': 2 }),
      'persisted-queue:v1:wk:event-queue:items': JSON.stringify([withId('cut')]),
      'persisted-queue:v1:wk:event-queue:seen': JSON.stringify({ 'ctx-cut': 3, 'ctx-sent': 1 }),
    });
    dropLibraryCallsOf(storage, 'wk', new Set(['cut']));
    expect(JSON.parse(storage.data.get(QUEUE.replace(/:items$/, ':seen'))!)).toEqual({ 'ctx-new': 1 });
    expect([...storage.data.keys()].filter(key => key.startsWith('persisted-queue:v1:wk:event-queue'))).toEqual([]);
  });

  it('leaves a queue that is not the library\'s JSON, and never throws', () => {
    const storage = storageWith({ [QUEUE]: '{not json' });
    dropLibraryCallsOf(storage, 'wk', new Set(['cut-1']));
    expect(storage.data.get(QUEUE)).toBe('{not json');
    const refusing = { ...storage, key: () => { throw new Error('denied'); } };
    expect(() => dropLibraryCallsOf(refusing as never, 'wk', new Set(['cut-1']))).not.toThrow();
  });
});

describe('libraryQueueMessageIds', () => {
  it("the messageIds in the write key's queues; none where they cannot be read", () => {
    const storage = storageWith({ [QUEUE]: JSON.stringify([item('a'), { event: {} }, null]), [OTHER_KEYS_QUEUE]: JSON.stringify([item('b')]) });
    expect(libraryQueueMessageIds(storage, 'wk')).toEqual(['a']);
    expect(libraryQueueMessageIds(storageWith({ [QUEUE]: '{not json' }), 'wk')).toEqual([]);
    expect(libraryQueueMessageIds(undefined, 'wk')).toEqual([]);
  });
});
