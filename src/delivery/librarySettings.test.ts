import { ConfigReader } from '@backstage/config';
import { callSettingsOf, TransformKind, withTransform } from '../config/callSettings';
import { dropQueuesOfAnotherUser, dropQueuesOfOtherSettings } from './librarySettings';
import { OTHER_KEYS_QUEUE, QUEUE, storageWith } from '../__testUtils__/libraryQueueKit';

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
