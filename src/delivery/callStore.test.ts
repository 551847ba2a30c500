import { countingStorage } from '../__testUtils__/deliveryTestKit';
import { callStoreKey, createCallStore, STORED_CALL_MAX_AGE_MS } from './callStore';
import { memoryStorage, NOW, stored, storeOn } from '../__testUtils__/callStoreKit';

describe('createCallStore', () => {
  it('keeps calls with their capture time, user and messageId, oldest first', () => {
    const storage = memoryStorage();
    const { store } = storeOn(storage);
    store.save([stored('b', 1000), stored('a', 5000, null)]);
    const loaded = storeOn(storage).store.load();
    expect(loaded.map(s => [s.messageId, s.owner, s.call.timestamp.toISOString()])).toEqual([
      ['a', null, new Date(NOW - 5000).toISOString()],
      ['b', 'u', new Date(NOW - 1000).toISOString()],
    ]);
  });

  it('hands each call to at most one taker: exactly once', () => {
    const storage = memoryStorage();
    storeOn(storage).store.save([stored('a'), stored('b')]);
    const first = storeOn(storage).store;
    const second = storeOn(storage).store;
    expect([...first.take(['a', 'b'])].sort()).toEqual(['a', 'b']);
    expect(second.take(['a', 'b']).size).toBe(0);
    expect(storage.data.has(callStoreKey('wk'))).toBe(false);
  });

  it('saving again replaces a call with the same messageId', () => {
    const storage = memoryStorage();
    const { store } = storeOn(storage);
    store.save([stored('a', 0, 'u', 'first')]);
    store.save([stored('a', 0, 'u', 'second')]);
    expect(store.load().map(s => s.call.properties.subject)).toEqual(['second']);
  });

  it.each([
    ['just under 24 h', STORED_CALL_MAX_AGE_MS - 1, 1],
    ['just over 24 h', STORED_CALL_MAX_AGE_MS + 1, 0],
    ['a week', 7 * STORED_CALL_MAX_AGE_MS, 0],
  ])('a call captured %s ago is %s kept', (_, age, count) => {
    const storage = memoryStorage();
    storeOn(storage).store.save([stored('a', age)]);
    expect(storeOn(storage).store.load()).toHaveLength(count);
  });

  it("expired calls, another user's too, are removed from the browser's storage by the next load's read", () => {
    const storage = memoryStorage();
    storeOn(storage).store.save([stored('old', STORED_CALL_MAX_AGE_MS + 1, 'user:default/carol', 'carol searched'), stored('new', 0)]);
    expect(storeOn(storage).store.load().map(s => s.messageId)).toEqual(['new']);
    expect(storage.data.get(callStoreKey('wk'))).not.toMatch(/carol/);
    storeOn(storage).store.take(['new']);
    expect(storage.data.has(callStoreKey('wk'))).toBe(false);
  });

  it.each([
    ['text that is not JSON is removed', '{"v":1,"calls":[', false],
    ["another format (a later version's) is left alone", '{"v":2,"calls":[]}', true],
  ])('%s', (_label, text, left) => {
    const storage = memoryStorage();
    storage.setItem(callStoreKey('wk'), text);
    expect(storeOn(storage).store.load()).toEqual([]);
    expect(storage.data.has(callStoreKey('wk'))).toBe(left);
  });

  it('is bounded in count: the oldest go first, with one warning', () => {
    const storage = memoryStorage();
    const { store, logger } = storeOn(storage, { maxCalls: 3 });
    store.save([1, 2, 3, 4, 5].map(i => stored(`c${i}`, 10_000 - i)));
    store.save([stored('c6', 0)]);
    expect(store.load().map(s => s.messageId)).toEqual(['c4', 'c5', 'c6']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    // The bound is named, not a full storage.
    expect(logger.warn).toHaveBeenCalledWith(
      'Segment analytics: could not keep 2 unsent events for the next page load (at most 3 events and 1000000 characters are kept)',
    );
  });

  it('is bounded in size, and survives a full storage by keeping the newest that fit', () => {
    const storage = memoryStorage(3000);
    const { store, logger } = storeOn(storage);
    const kept = store.save(Array.from({ length: 40 }, (_, i) => stored(`c${i}`, 1000 - i, 'u', 'x'.repeat(100))));
    expect(kept.size).toBeGreaterThan(0);
    expect(kept.size).toBeLessThan(40);
    expect(kept.has('c39')).toBe(true);
    expect(store.load().map(s => s.messageId)).toEqual([...kept]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/^Segment analytics: could not keep \d+ unsent events .*\(storage full\)$/));
  });

  it.each([
    ['not JSON', '{'],
    ['another format', '{"v":99,"calls":[]}'],
    ['entries of the wrong shape', '{"v":1,"calls":[1,null,{"messageId":3},{"messageId":"m","owner":null,"call":{"type":"identify"}}]}'],
  ])('ignores stored data that is %s', (_, raw) => {
    const storage = memoryStorage();
    storage.data.set(callStoreKey('wk'), raw);
    expect(storeOn(storage).store.load()).toEqual([]);
  });

  it('never throws when storage does', () => {
    const broken = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('SecurityError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const store = createCallStore({ storage: broken, writeKey: 'wk', now: () => NOW, logger: { warn: jest.fn(), info: jest.fn() } });
    expect(store.load()).toEqual([]);
    expect(store.save([stored('a')]).size).toBe(0);
    expect(store.take(['a']).size).toBe(0);
  });

  it('is scoped to the write key', () => {
    const storage = memoryStorage();
    storeOn(storage, { writeKey: 'source-1' }).store.save([stored('a')]);
    expect(storeOn(storage, { writeKey: 'source-2' }).store.load()).toEqual([]);
    expect(storeOn(storage, { writeKey: 'source-1' }).store.load()).toHaveLength(1);
  });

  it('skips a call JSON cannot hold, keeping the others', () => {
    const storage = memoryStorage();
    const bad = stored('bad');
    bad.call.properties.value = BigInt(1);
    const { store } = storeOn(storage);
    expect([...store.save([stored('a'), bad, stored('b')])]).toEqual(['a', 'b']);
  });

  it('takes any number of calls in one read and one write of each key holding them', () => {
    const storage = memoryStorage();
    storeOn(storage).store.save(Array.from({ length: 500 }, (_, i) => stored(`c${i}`, 500 - i)));
    const size = storage.data.get(callStoreKey('wk'))!.length;
    const counted = countingStorage();
    storage.data.forEach((value, key) => counted.data.set(key, value));
    const { ops } = counted;
    // Loading, the page folds the saving page's copy into the shared key; then it takes.
    const store = createCallStore({ storage: counted.storage, writeKey: 'wk', now: () => NOW, logger: { warn: jest.fn(), info: jest.fn() } });
    Object.assign(ops, { reads: 0, writes: 0, written: 0 });
    expect(store.take(Array.from({ length: 400 }, (_, i) => `c${i}`)).size).toBe(400);
    // The shared key and its own copy (empty) read, the shared key written once.
    expect(ops).toMatchObject({ reads: 2, writes: 1 });
    expect(ops.written).toBeLessThan(size);
    expect(store.load().map(s => s.messageId)).toEqual(Array.from({ length: 100 }, (_, i) => `c${400 + i}`));
  });

  it.each([
    ['refuses every write', () => new DOMException('denied', 'SecurityError')],
    ['is full', () => new DOMException('full', 'QuotaExceededError')],
  ])('takes nothing when storage %s: the calls stay, for a load that can take them, and are not lost', (_, error) => {
    const storage = memoryStorage();
    storeOn(storage).store.save([stored('a'), stored('b'), stored('other', 0, 'someone-else')]);
    const before = storage.data.get(callStoreKey('wk'));
    const refusing = {
      ...storage,
      setItem: () => {
        throw error();
      },
      removeItem: () => {
        throw error();
      },
    };
    const store = createCallStore({ storage: refusing, writeKey: 'wk', now: () => NOW, logger: { warn: jest.fn(), info: jest.fn() } });
    expect(store.take(['a', 'b']).size).toBe(0);
    expect(storage.data.get(callStoreKey('wk'))).toBe(before);
    expect([...storeOn(storage).store.take(['a', 'b'])].sort()).toEqual(['a', 'b']);
    expect(storeOn(storage).store.load().map(s => s.messageId)).toEqual(['other']);
  });
});
