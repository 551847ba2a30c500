import { callStoreKey } from './callStore';
import { originStorage, stored, storeOn } from '../__testUtils__/callStoreKit';

// A full localStorage (one quota for the origin, as browsers count it): a page gives up only its own calls for
// room, never what a key held already, and a fold of other pages' copies is all or nothing.

const shared = callStoreKey('wk');
const copy = (pageId: string) => `${shared}:page-${pageId}`;
const bobs = (count: number) => Array.from({ length: count }, (_, i) => stored(`bob-${i}`, 9000 - i, 'bob'));
/** Every messageId a later load finds, read from a copy of the browser's storage. */
const everything = (browser: ReturnType<typeof originStorage>) => {
  const reader = originStorage();
  for (const [k, v] of browser.data) reader.data.set(k, v);
  return storeOn(reader, { pageId: 'reader' })
    .store.load()
    .map(s => s.messageId);
};
/** Bob's calls in the shared key only (a later load folded his page's copy). */
function withBobs(count: number, options: { maxCalls?: number } = {}) {
  const browser = originStorage();
  storeOn(browser, { pageId: 'bob', ...options }).store.save(bobs(count));
  browser.data.delete(copy('bob'));
  return browser;
}

describe('createCallStore in a full localStorage', () => {
  it('a page saving again (pagehide after beforeunload) keeps a call its first save kept, the same messageId again', () => {
    const browser = withBobs(4);
    const alice = storeOn(browser, { pageId: 'alice' });
    alice.store.save([stored('X', 2000, 'alice')]);
    browser.quota = browser.used() + 50; // less room than one more call
    const kept = alice.store.save([stored('X', 2000, 'alice'), stored('Y', 1000, 'alice')]);
    expect(kept.has('X')).toBe(true);
    expect(everything(browser).sort()).toEqual(['X', 'bob-0', 'bob-1', 'bob-2', 'bob-3']);
    expect(alice.logger.warn).toHaveBeenCalledWith(expect.stringMatching(/could not keep 1 unsent events .*\(storage full\)$/));
  });

  it('at its count bound, gives up none of the calls it holds for calls that do not fit anyway', () => {
    const browser = withBobs(10, { maxCalls: 10 });
    browser.quota = browser.used() + 50;
    const big = (id: string, ageMs: number) => stored(id, ageMs, 'alice', id.repeat(1000));
    storeOn(browser, { pageId: 'alice', maxCalls: 10 }).store.save([big('a1', 2000), big('a2', 1000)]);
    expect(everything(browser).filter(id => id.startsWith('bob'))).toHaveLength(10);
  });

  it("a page loading folds other pages' copies only when they all fit: else they stay, and this page's calls keep their room", () => {
    const browser = withBobs(4);
    const before = browser.data.get(shared)!;
    // Another tab's copy, its shared write lost (two tabs left at once).
    storeOn(browser, { pageId: 'one' }).store.save([0, 1, 2, 3].map(i => stored(`one-${i}`, 5000 - i, 'carol')));
    browser.data.set(shared, before);
    const size = browser.data.get(copy('one'))!.length;
    browser.quota = browser.used() + size / 2; // room for this page's one call in both keys, not for the copy's four
    const me = storeOn(browser, { pageId: 'me' });
    expect(browser.data.get(shared)).toBe(before);
    expect(me.store.save([stored('Z', 0, 'alice')]).has('Z')).toBe(true);
    expect(me.logger.warn).not.toHaveBeenCalled();
    expect(everything(browser).sort()).toEqual(['Z', 'bob-0', 'bob-1', 'bob-2', 'bob-3', 'one-0', 'one-1', 'one-2', 'one-3']);
  });

  it("never removes this page's own copy for want of room, where it cannot read it either", () => {
    const browser = withBobs(1);
    const alice = storeOn(browser, { pageId: 'alice' });
    alice.store.save([stored('X', 2000, 'alice')]);
    const refusing = {
      ...browser,
      getItem: (key: string) => {
        if (key === copy('alice')) throw new DOMException('no', 'SecurityError');
        return browser.getItem(key);
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    storeOn(refusing, { pageId: 'alice' }).store.save([stored('Y', 1000, 'alice')]);
    expect(everything(browser)).toContain('X');
  });

  it('takes nothing while a key holding stored calls cannot be read (another load sends them, once)', () => {
    const browser = withBobs(0);
    storeOn(browser, { pageId: 'one' }).store.save([stored('a', 1000)]);
    const refusing = {
      ...browser,
      getItem: (key: string) => {
        if (key === shared) throw new DOMException('no', 'SecurityError');
        return browser.getItem(key);
      },
    };
    expect([...storeOn(refusing, { pageId: 'two' }).store.take(['a'])]).toEqual([]);
    expect(everything(browser)).toEqual(['a']);
  });
});
