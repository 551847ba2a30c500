import { callStoreKey } from './callStore';
import { memoryStorage, stored, storeOn } from '../__testUtils__/callStoreKit';

// localStorage refusing to read (getItem throwing) or to take writes, as a page is left: what others kept is
// never written over or removed, and this page's calls are kept where the store still takes them.

/** `browser` as a page sees it once reading throws (for the keys `refused` matches). */
function refusingReads(browser: ReturnType<typeof memoryStorage>, refused: (key: string) => boolean = () => true) {
  return {
    ...browser,
    data: browser.data,
    getItem: (key: string) => {
      if (refused(key)) throw new DOMException('The operation is insecure.', 'SecurityError');
      return browser.getItem(key);
    },
  };
}

/** The messageIds the next load reads from `browser`, oldest first. */
const idsKeptIn = (browser: ReturnType<typeof memoryStorage>) =>
  storeOn(browser)
    .store.load()
    .map(s => s.messageId);

/** Two pages open at once, each having left its copy ('a', then 'b'), and no shared key (written over elsewhere, say). */
function copiesOfTwoPages() {
  const browser = memoryStorage();
  const [one, two] = [storeOn(browser, { pageId: 'one' }), storeOn(browser, { pageId: 'two' })];
  one.store.save([stored('a', 1000)]);
  two.store.save([stored('b', 500)]);
  browser.data.delete(callStoreKey('wk'));
  return browser;
}

describe('createCallStore when localStorage refuses to read or write', () => {
  it("keeps another user's calls (never writes over what it cannot read), and this page's in its own copy", () => {
    const browser = memoryStorage();
    storeOn(browser, { pageId: 'bob' }).store.save([stored('bob-1', 1000, 'bob')]);
    const alice = storeOn(refusingReads(browser), { pageId: 'alice' });
    expect([...alice.store.save([stored('alice-1', 0, 'alice')])]).toEqual(['alice-1']);
    expect(alice.logger.warn).not.toHaveBeenCalled();
    // The next load, reading again: both.
    expect(idsKeptIn(browser)).toEqual(['bob-1', 'alice-1']);
  });

  it('tells which calls it holds, in any key, or that it cannot tell (a key it cannot read)', () => {
    expect([...storeOn(copiesOfTwoPages()).store.holds(['a', 'b', 'c'])!].sort()).toEqual(['a', 'b']);
    expect(storeOn(refusingReads(copiesOfTwoPages(), key => key.endsWith(':page-two'))).store.holds(['a'])).toBeUndefined();
  });

  it('with the shared key unreadable, a page loading keeps the copies it would fold into it', () => {
    const browser = copiesOfTwoPages();
    storeOn(refusingReads(browser, key => key === callStoreKey('wk')), { pageId: 'three' });
    expect([...browser.data.keys()].filter(k => k.includes(':page-')).sort()).toEqual([`${callStoreKey('wk')}:page-one`, `${callStoreKey('wk')}:page-two`]);
    expect(idsKeptIn(browser)).toEqual(['a', 'b']);
  });

  it('an unreadable copy of another page is not removed by a page folding the readable ones', () => {
    const browser = copiesOfTwoPages();
    const one = `${callStoreKey('wk')}:page-one`;
    storeOn(refusingReads(browser, key => key === one), { pageId: 'three' });
    expect(browser.data.has(one)).toBe(true);
    expect(idsKeptIn(browser)).toEqual(['a', 'b']);
  });

  it("keeps what other loads and users kept when it refuses every write (full), saying how many of this page's it could not keep", () => {
    const browser = memoryStorage();
    storeOn(browser, { pageId: 'bob' }).store.save([stored('bob-1', 1000, 'bob')]);
    browser.data.delete(`${callStoreKey('wk')}:page-bob`); // folded into the shared key by a later load
    const full = {
      ...browser,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    const alice = storeOn(full, { pageId: 'alice' });
    expect(alice.store.save([stored('alice-1', 0, 'alice')]).has('alice-1')).toBe(false);
    expect(alice.logger.warn).toHaveBeenCalledWith(expect.stringMatching(/^Segment analytics: could not keep 1 unsent events .*\(storage full\)$/));
    expect(idsKeptIn(browser)).toEqual(['bob-1']);
  });

  it("a full store never gives up what others kept for this page's calls: as a page leaves, nor as one loads and folds copies", () => {
    const shared = callStoreKey('wk');
    const seed = memoryStorage();
    storeOn(seed, { pageId: 'bob' }).store.save(Array.from({ length: 20 }, (_, i) => stored(`bob-${i}`, 2000 - i, 'bob')));
    // Room for the shared key as it is, not for one more call in it.
    const browser = memoryStorage(seed.data.get(shared)!.length + 50);
    browser.data.set(shared, seed.data.get(shared)!);
    const alice = storeOn(browser, { pageId: 'alice' });
    expect(alice.store.save([stored('alice-1', 0, 'alice')]).has('alice-1')).toBe(true); // in its own copy
    expect(alice.logger.warn).not.toHaveBeenCalled();
    // The next load cannot fold that copy into the full shared key: it keeps both.
    storeOn(browser, { pageId: 'next' });
    const ids = storeOn(browser)
      .store.load()
      .map(s => s.messageId);
    expect(ids).toHaveLength(21);
    expect(ids).toContain('alice-1');
  });

  it('says how many calls it could keep nowhere (reading refused, and writing too)', () => {
    const browser = memoryStorage();
    const refusing = {
      ...refusingReads(browser),
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    const { store, logger } = storeOn(refusing);
    expect(store.save([stored('x'), stored('y')]).size).toBe(0);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/^Segment analytics: could not keep 2 unsent events for the next page load \(.*refused to read/));
  });
});
