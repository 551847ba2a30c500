import { ConfigReader } from '@backstage/config';
import { memoryStorage } from '../__testUtils__/deliveryTestKit';
import { callSettingsOf, TransformKind, withTransform } from '../config/callSettings';
import { createCallStore } from './callStore';
import { dropKeptCallsTheLibraryKept, dropLibraryCallsOf, libraryQueueMessageIds, dropQueuesOfAnotherUser, dropQueuesOfOtherSettings, purgeExpiredOfOtherWriteKeys } from './librarySettings';
import { stored, storeOn } from '../__testUtils__/callStoreKit';

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

  it('keeps them under the same settings', () => {
    const storage = storageWith({ 'backstage-segment:wk:settings': 'strict', [QUEUE]: '[]' });
    expect(dropQueuesOfOtherSettings(storage, 'wk', 'strict')).toBe(false);
    expect(storage.data.get(QUEUE)).toBe('[]');
    expect(storage.data.get('backstage-segment:wk:settings')).toBe('strict');
  });

  /** A load's call settings as `pathParts` makes them. */
  const settingsOf = (segment: object, transform: TransformKind = 'none') => withTransform(callSettingsOf(new ConfigReader(segment)), transform);
  const LEFTOVER = JSON.stringify([{ event: { type: 'page', anonymousId: 'a', properties: { url: 'https://bs.example.com/x?token=s3cret' } } }]);

  it("with no record (the public plugin's library left them, or a release before the record), keeps them under the defaults", () => {
    const defaults = settingsOf({ writeKey: 'wk', batching: { size: 5 }, debug: true, maskIP: false });
    const storage = storageWith({ [QUEUE]: LEFTOVER });
    expect(dropQueuesOfOtherSettings(storage, 'wk', defaults)).toBe(false);
    expect(storage.data.get(QUEUE)).toBe(LEFTOVER);
    expect(storage.data.get('backstage-segment:wk:settings')).toBe(defaults);
  });

  it.each<[string, string]>([
    ['userIdTransform sha-256', settingsOf({ userIdTransform: 'sha-256' }, 'sha-256')],
    ['a transform given in code', settingsOf({}, 'function')],
    ['the code option sha-256', settingsOf({}, 'sha-256')],
    ['redact.emails', settingsOf({ redact: { emails: true } })],
    ['events.exclude', settingsOf({ events: { exclude: [{ action: 'search' }] } })],
    ['allowedAttributes', settingsOf({ allowedAttributes: [] })],
    ['maskIP', settingsOf({ maskIP: 'yes' })],
  ])('with no record, removes them under settings that shape calls: %s', (_label, settings) => {
    const storage = storageWith({ [QUEUE]: LEFTOVER });
    expect(dropQueuesOfOtherSettings(storage, 'wk', settings)).toBe(true);
    expect(storage.data.has(QUEUE)).toBe(false);
    expect(storage.data.get('backstage-segment:wk:settings')).toBe(settings);
  });

  const DIGEST = '5e884898da28047151d0e56f8dc62927a7ac9f3a1f8e1f0c3c1f0e8d1a2b3c4d';
  const digestsOnly = (userId: string) => /^[0-9a-f]{64}$/.test(userId);

  it.each<[string, object[], boolean]>([
    ['the plain entity ref as user id (a tab under userIdTransform none)', [{ event: { type: 'identify', userId: 'user:default/jane' } }], true],
    ['one such call among digests', [{ event: { userId: DIGEST } }, { event: { userId: 'User:Default/Jane' } }], true],
    ['digests only', [{ event: { userId: DIGEST, properties: { url: '/catalog/default/user/x' } } }], false],
    ['anonymous calls', [{ event: { anonymousId: 'a', properties: { owner: 'user:default/jane' } } }, { event: { userId: null } }], false],
  ])('where this load can tell its own user ids (digests), the same settings recorded: a queue holding %s', (_label, queue, removed) => {
    const storage = storageWith({ 'backstage-segment:wk:settings': 'strict', [QUEUE]: JSON.stringify(queue) });
    expect(dropQueuesOfOtherSettings(storage, 'wk', 'strict', digestsOnly)).toBe(removed);
    expect(storage.data.has(QUEUE)).toBe(!removed);
  });

  it('where this load cannot tell its own user ids, a plain user id in a queue under the same settings is kept', () => {
    const storage = storageWith({ 'backstage-segment:wk:settings': 'loose', [QUEUE]: '[{"event":{"userId":"user:default/jane"}}]' });
    expect(dropQueuesOfOtherSettings(storage, 'wk', 'loose')).toBe(false);
    expect(storage.data.has(QUEUE)).toBe(true);
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
    ['a user that cannot be known, where no one is recorded', undefined, Promise.reject(new Error('identity failed'))],
    ['no identity', 'digest-of-a', undefined],
  ])('keeps them for %s', async (_label, previous, userId) => {
    const storage = queued();
    expect(await dropQueuesOfAnotherUser(storage, 'wk', previous, userId, 5000)).toBe(false);
    expect(storage.data.has(QUEUE)).toBe(true);
  });

  it("removes them when this page's user cannot be known in time and someone may have left them (the relay would send them as whoever holds the cookie)", async () => {
    const failed = queued();
    expect(await dropQueuesOfAnotherUser(failed, 'wk', 'digest-of-a', Promise.reject(new Error('identity failed')), 5000)).toBe(true);
    expect([...failed.data.keys()]).toEqual([OTHER_KEYS_QUEUE]);

    jest.useFakeTimers();
    try {
      const late = queued();
      const dropped = dropQueuesOfAnotherUser(late, 'wk', 'digest-of-a', new Promise<string>(() => {}), 5000);
      await jest.advanceTimersByTimeAsync(5000);
      expect(await dropped).toBe(true);
      expect(late.data.has(QUEUE)).toBe(false);
    } finally {
      jest.useRealTimers();
    }

    const someonesCall = storageWith({ [QUEUE]: '[{"event":{"event":"search","userId":"digest-of-a"}}]' });
    expect(await dropQueuesOfAnotherUser(someonesCall, 'wk', undefined, Promise.reject(new Error('identity failed')), 5000)).toBe(true);
    expect(someonesCall.data.has(QUEUE)).toBe(false);
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
