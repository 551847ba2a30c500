import { callStoreKey, createCallStore } from './callStore';
import { memoryStorage, NOW, quiet, stored, storeOn } from '../__testUtils__/callStoreKit';

// What the carry-over store reads back: only entries as the module writes them, within their age, in capture order.

describe('createCallStore: what is read back', () => {
  it.each<[string, (wire: any) => void]>([
    ['a page field that is not text', wire => (wire.call.page.url = 5)],
    ['a page field missing', wire => delete wire.call.page.title],
    ['a messageId longer than any the module makes', wire => (wire.messageId = 'x'.repeat(101))],
    ['a referrer that is not text', wire => (wire.call.page.referrer = null)],
    ['an owner that is not text', wire => (wire.owner = 7)],
    ['an anonymous id that is not text', wire => (wire.anonymousId = {})],
    ['properties that are not an object', wire => (wire.call.properties = 'x')],
    ['no page', wire => delete wire.call.page],
    ['a track call without an event name', wire => delete wire.call.event],
    ['a timestamp that is not a date', wire => (wire.call.timestamp = 'soon')],
  ])('never sends an entry written by hand with %s', (_label, spoil) => {
    const storage = memoryStorage();
    storeOn(storage).store.save([stored('good'), stored('bad')]);
    const text = JSON.parse(storage.data.get(callStoreKey('wk'))!);
    spoil(text.calls.find((c: any) => c.messageId === 'bad'));
    storage.data.set(callStoreKey('wk'), JSON.stringify(text));
    storage.data.delete([...storage.data.keys()].find(k => k.includes(':page-'))!);
    expect(storeOn(storage).store.load().map(s => s.messageId)).toEqual(['good']);
  });

  it('another version of the stored text is not read (a later module in another tab); a write of this page replaces it', () => {
    const storage = memoryStorage();
    storeOn(storage).store.save([stored('a')]);
    const text = JSON.parse(storage.data.get(callStoreKey('wk'))!);
    storage.data.set(callStoreKey('wk'), JSON.stringify({ ...text, v: 2 }));
    storage.data.delete([...storage.data.keys()].find(k => k.includes(':page-'))!);
    expect(storeOn(storage).store.load()).toEqual([]);
  });

  it('a call up to 24 hours old is sent, an older one or one more than 24 hours ahead of the clock is not', () => {
    const storage = memoryStorage();
    const hour = 60 * 60 * 1000;
    storeOn(storage).store.save([stored('old', 25 * hour), stored('day', 23.9 * hour), stored('now'), stored('ahead', -25 * hour)]);
    expect(storeOn(storage).store.load().map(s => s.messageId)).toEqual(['day', 'now']);
  });

  it("reads every page's copy in capture order, whichever key holds which", () => {
    const storage = memoryStorage();
    const reader = storeOn(storage).store; // copies written after it loaded are not folded into the shared key
    createCallStore({ storage, writeKey: 'wk', now: () => NOW, logger: quiet(), pageId: 'late' }).save([stored('newer', 1000)]);
    // Another page's copy, written meanwhile, holds an older call the shared key lost (another tab's write won).
    const copy = storage.data.get(`${callStoreKey('wk')}:page-late`)!;
    const older = copy.replace(/"newer"/g, '"older"').replace(new Date(NOW - 1000).toISOString(), new Date(NOW - 9000).toISOString());
    storage.data.set(`${callStoreKey('wk')}:page-early`, older);
    expect(reader.load().map(s => s.messageId)).toEqual(['older', 'newer']);
  });

  it('reads what another tab wrote between two reads of one task (text read once is parsed once, never reused for other text)', () => {
    const storage = memoryStorage();
    const { store } = storeOn(storage);
    store.save([stored('mine')]);
    expect(store.holds(['mine', 'theirs'])).toEqual(new Set(['mine']));
    // Another tab replaces the shared key within the same task (a Map-backed store changes at once).
    const other = createCallStore({ storage, writeKey: 'wk', now: () => NOW, logger: quiet(), pageId: 'other' });
    other.save([stored('theirs', 500)]);
    expect(store.holds(['mine', 'theirs'])).toEqual(new Set(['mine', 'theirs']));
    expect(store.take(['theirs'])).toEqual(new Set(['theirs']));
    expect(store.load().map(s => s.messageId)).toEqual(['mine']);
  });

  it('when over its bound after adding calls older than those it holds, the oldest go', () => {
    const storage = memoryStorage();
    const { store } = storeOn(storage, { maxCalls: 2 });
    store.save([stored('newest', 1000)]);
    store.save([stored('oldest', 9000), stored('middle', 5000)]);
    expect(storeOn(storage).store.load().map(s => s.messageId)).toEqual(['middle', 'newest']);
  });

  it('a call that could not be removed from every key holding it is not taken (another load would send it again)', () => {
    const storage = memoryStorage();
    const { store } = storeOn(storage);
    store.save([stored('a'), stored('b')]);
    const own = [...storage.data.keys()].find(k => k.includes(':page-'))!;
    const refusing = {
      ...storage,
      key: storage.key,
      get length() {
        return storage.length;
      },
      setItem: (k: string, v: string) => {
        if (k === own) throw new DOMException('denied', 'SecurityError');
        storage.setItem(k, v);
      },
      removeItem: (k: string) => {
        if (k === own) throw new DOMException('denied', 'SecurityError');
        storage.removeItem(k);
      },
    };
    expect(createCallStore({ storage: refusing, writeKey: 'wk', now: () => NOW, logger: quiet() }).take(['a']).size).toBe(0);
  });

  it('says how many calls a page loading could not keep when folding the copies of others into the shared key', () => {
    const storage = memoryStorage();
    // A page left with four calls; the shared key lost them (another tab's write won): only its copy has them.
    createCallStore({ storage, writeKey: 'wk', now: () => NOW, logger: quiet(), pageId: 'a' }).save(
      [4, 3, 2, 1].map(n => stored(`a-${n}`, n * 1000)),
    );
    storage.data.delete(callStoreKey('wk'));
    const logger = quiet();
    createCallStore({ storage, writeKey: 'wk', now: () => NOW, logger, maxCalls: 3 });
    expect(logger.warn.mock.calls.map(c => String(c[0]))).toEqual([expect.stringMatching(/could not keep 1 unsent events/)]);
  });

  it('says why a call was not kept when JSON cannot hold it', () => {
    const storage = memoryStorage();
    const { store, logger } = storeOn(storage);
    const odd = stored('odd');
    odd.call.properties.value = BigInt(1) as never;
    store.save([odd, stored('fine')]);
    expect(logger.warn.mock.calls.map(c => String(c[0]))).toEqual([expect.stringMatching(/could not keep 1 unsent events for the next page load \(not storable as JSON\)/)]);
  });
});
