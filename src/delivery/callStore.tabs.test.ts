import { callStoreKey, createCallStore, StoredCall } from './callStore';
import { memoryStorage, NOW, quiet, stored, storeOn, tabView } from '../__testUtils__/callStoreKit';

// Tabs of one browser sharing the store's key: each page's own copy, folded into the shared key.

describe('createCallStore', () => {
  it('tabs left at the same moment (each reading the shared key without the others\' calls): the next load has every call, and takes each once', () => {
    const browser = memoryStorage();
    storeOn(browser).store.save([stored('earlier', 9000)]);
    const logger = { warn: jest.fn(), info: jest.fn() };
    const [a, b, c] = [1, 2, 3].map(() => createCallStore({ storage: tabView(browser), writeKey: 'wk', now: () => NOW, logger }));
    a.save([stored('a1', 3000), stored('a2', 2000)]);
    b.save([stored('b1', 1500)]);
    c.save([stored('c1', 1000)]);
    expect(logger.warn).not.toHaveBeenCalled();

    const next = storeOn(browser).store;
    const ids = ['earlier', 'a1', 'a2', 'b1', 'c1'];
    expect(next.load().map(s => s.messageId)).toEqual(ids);
    expect([...next.take(ids)].sort()).toEqual([...ids].sort());
    expect(storeOn(browser).store.load()).toEqual([]);
    expect([...browser.data.keys()]).toEqual([]);
  });

  it('copies do not pile up where no load sends them (the CDN blocked): a page loading folds them into the shared key', () => {
    const browser = memoryStorage();
    for (let load = 0; load < 6; load++) {
      const { store } = storeOn(browser);
      store.save([stored(`load-${load}`, 6000 - load)]);
    }
    // The last load's own copy and the shared key, which holds every load's calls.
    expect([...browser.data.keys()].length).toBe(2);
    expect(storeOn(browser).store.load().map(s => s.messageId)).toEqual(['load-0', 'load-1', 'load-2', 'load-3', 'load-4', 'load-5']);
  });

  it('folding keeps the bounds of the shared key, and a store that refuses writes keeps the copies', () => {
    const browser = memoryStorage();
    createCallStore({ storage: browser, writeKey: 'wk', now: () => NOW, logger: quiet(), pageId: 'a', maxCalls: 3 }).save(
      ['a1', 'a2', 'a3'].map((id, i) => stored(id, 9000 - i)),
    );
    // Page b folds a's copy as it loads; its own call then pushes the oldest out of the shared key (at most 3).
    const logger = quiet();
    createCallStore({ storage: browser, writeKey: 'wk', now: () => NOW, logger, pageId: 'b', maxCalls: 3 }).save([stored('b1', 100)]);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('could not keep 1 unsent events'));
    createCallStore({ storage: browser, writeKey: 'wk', now: () => NOW, logger: quiet(), maxCalls: 3 });
    expect(JSON.parse(browser.data.get(callStoreKey('wk'))!).calls.map((c: StoredCall) => c.messageId)).toEqual(['a2', 'a3', 'b1']);
    expect([...browser.data.keys()]).toEqual([callStoreKey('wk')]);

    const full = memoryStorage();
    full.data.set(`${callStoreKey('wk')}:page-gone`, JSON.stringify({ v: 1, calls: [{ ...stored('x'), call: { ...stored('x').call, timestamp: new Date(NOW).toISOString() } }] }));
    const refusing = { ...full, setItem: () => { throw new DOMException('full', 'QuotaExceededError'); } };
    createCallStore({ storage: refusing, writeKey: 'wk', now: () => NOW, logger: quiet() });
    expect([...full.data.keys()]).toEqual([`${callStoreKey('wk')}:page-gone`]);
  });
});
