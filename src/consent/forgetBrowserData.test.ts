import { callStoreKey } from '../delivery/callStore';
import { createOwnerCookie } from '../delivery/ownerCookie';
import { storedOwnerKey } from '../delivery/storedOwner';
import { IDBFactory } from 'fake-indexeddb';
import { createClaimLedger, DATABASE } from '../delivery/claimLedger';
import { browserScheduler } from '../time/scheduler';
import { CLAIMS_DATABASE, forgetBrowserData, forgetIdentity, holdsModuleIdentity, periodOf } from './forgetBrowserData';

const MODULE_KEYS = [callStoreKey('wk'), storedOwnerKey('wk')];

describe('forgetBrowserData', () => {
  beforeEach(() => localStorage.clear());

  it("removes the module's and the library's keys, of an earlier write key too, and nothing else", () => {
    const keys = {
      'backstage-segment:wk:pending': '[]',
      'backstage-segment:wk:user': 'u',
      ajs_anonymous_id: '"a"',
      ajs_user_traits: '{}',
      'persisted-queue:v1:wk:dest-Segment.io:items': '[]',
      'persisted-queue:v1:other:event-queue:items': '[]',
      'backstage-segment:other:user': 'x',
      'persisted-queue:v1:third:event-queue:items': '[]',
      // A write key named only by a page's own copy of its kept events.
      'backstage-segment:fourth:pending:page-3b1f': '[]',
      'persisted-queue:v1:fourth:dest-Segment.io:items': '[]',
      '/segment-analytics/consent': '{"decision":"denied"}',
      unrelated: '1',
    };
    for (const [key, value] of Object.entries(keys)) localStorage.setItem(key, value);
    forgetBrowserData('wk', MODULE_KEYS);
    // An earlier write key's stored events, owner and library queues are this browser's user's too; another
    // app's library queue (a key the module never stored anything for) is not the module's to remove.
    expect(Object.keys(localStorage).sort()).toEqual(['/segment-analytics/consent', 'persisted-queue:v1:third:event-queue:items', 'unrelated']);
  });

  it('expires ajs_* cookies on the host and on each parent domain', () => {
    const writes: string[] = [];
    const doc = {
      get cookie() {
        return 'ajs_anonymous_id=a; other=1; ajs_user_id=u';
      },
      set cookie(value: string) {
        writes.push(value);
      },
    };
    const removed = forgetBrowserData('wk', MODULE_KEYS, { document: doc, hostname: 'backstage.corp.example.com' });
    expect(removed).toEqual(['cookie ajs_anonymous_id', 'cookie ajs_user_id']);
    const forAnon = writes.filter(w => w.startsWith('ajs_anonymous_id='));
    expect(forAnon.every(w => w.includes('max-age=0'))).toBe(true);
    expect(forAnon.map(w => /domain=([^;]+)/.exec(w)?.[1] ?? '(host)')).toEqual([
      '(host)',
      '.backstage.corp.example.com',
      '.corp.example.com',
      '.example.com',
      '.com',
    ]);
    expect(writes.some(w => w.startsWith('other='))).toBe(false);
  });

  it("removes the module's record of whose identity the browser holds where it is a cookie (localStorage refused it)", () => {
    const record = createOwnerCookie('wk', document);
    expect(record.write('user:default/jane')).toBe(true);
    document.cookie = 'unrelated=1; path=/';
    expect(forgetBrowserData('wk', MODULE_KEYS)).toContain('cookie backstage-segment.wk.user');
    expect(record.read()).toBeUndefined();
    expect(document.cookie).toBe('unrelated=1');
    document.cookie = 'unrelated=; path=/; max-age=0';
  });

  it('never throws, whatever the stores do', () => {
    const throwing = {
      get length(): number {
        throw new Error('denied');
      },
      key: () => null,
      removeItem: () => {},
      getItem: () => null,
    };
    const doc = {
      get cookie(): string {
        throw new Error('SecurityError');
      },
    };
    expect(forgetBrowserData('wk', MODULE_KEYS, { localStorage: throwing, document: doc as { cookie: string } })).toEqual([]);
  });

  it("deletes the module's IndexedDB database of claims, also while a ledger of this page holds it open", async () => {
    expect(CLAIMS_DATABASE).toBe(DATABASE);
    const indexedDB = new IDBFactory();
    const ledger = createClaimLedger({ indexedDB, writeKey: 'wk', wallNow: () => Date.now(), scheduler: browserScheduler });
    expect([...(await ledger.claim(['m1']))]).toEqual(['m1']);
    expect((await indexedDB.databases()).map(d => d.name)).toEqual([CLAIMS_DATABASE]);
    let deleted: Promise<unknown> | undefined;
    const watched = {
      deleteDatabase(name: string) {
        const request = indexedDB.deleteDatabase(name);
        deleted = new Promise(resolve => (request.onsuccess = resolve)); // never fires while a connection stays open
        return request;
      },
    };
    expect(forgetBrowserData('wk', MODULE_KEYS, { indexedDB: watched })).toEqual([`indexedDB ${CLAIMS_DATABASE}`]);
    expect(deleted).toBeDefined();
    await deleted;
    expect(await indexedDB.databases()).toEqual([]);
    // A later claim (the user switched on again) opens it anew: nothing remembered.
    expect([...(await ledger.claim(['m1']))]).toEqual(['m1']);
  });
});

describe('periodOf (what tells the period a "no" ends from the next)', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    localStorage.clear();
    document.cookie = 'ajs_anonymous_id=; max-age=0; path=/';
  });

  it('is told by the anonymous ids kept as it ends: their reappearing in a queue, kept calls or the ids themselves', () => {
    localStorage.setItem('ajs_anonymous_id', '"6f1c2a3b-old"');
    document.cookie = `ajs_anonymous_id=${encodeURIComponent('"9d8e7f60-cookie"')}; path=/`;
    const ended = periodOf('wk', MODULE_KEYS)!;
    forgetBrowserData('wk', MODULE_KEYS);
    expect(ended()).toBe(false);
    localStorage.setItem('persisted-queue:v1:wk:dest-Segment.io:items', JSON.stringify([{ event: { anonymousId: '6f1c2a3b-old' } }]));
    expect(ended()).toBe(true); // a tab closed at the "no" stored its library's queue
    forgetBrowserData('wk', MODULE_KEYS);
    document.cookie = `ajs_anonymous_id=${encodeURIComponent('"9d8e7f60-cookie"')}; path=/`;
    expect(ended()).toBe(true); // or wrote its ids back
  });

  it("the id the page's library held tells too (the browser's stores were emptied before this page was told of the \"no\")", () => {
    const ended = periodOf('wk', MODULE_KEYS, '6f1c2a3b-held-in-memory')!;
    expect(ended()).toBe(false);
    document.cookie = `ajs_anonymous_id=${encodeURIComponent('"6f1c2a3b-held-in-memory"')}; path=/`;
    expect(ended()).toBe(true);
    document.cookie = 'ajs_anonymous_id=; max-age=0; path=/';
    document.cookie = 'other=x6f1c2a3b-held-in-memoryx; path=/'; // not analytics'
    expect(ended()).toBe(false);
    document.cookie = 'other=; max-age=0; path=/';
  });

  it("a later period's own ids and events are not the ended one's; nothing to tell by where no id was kept", () => {
    localStorage.setItem('ajs_anonymous_id', '"6f1c2a3b-old"');
    const ended = periodOf('wk', MODULE_KEYS)!;
    forgetBrowserData('wk', MODULE_KEYS);
    localStorage.setItem('ajs_anonymous_id', '"0a1b2c3d-new"');
    localStorage.setItem(callStoreKey('wk'), JSON.stringify({ v: 1, calls: [{ messageId: 'm', owner: 'u', call: { type: 'track' } }] }));
    localStorage.setItem('unrelated', '6f1c2a3b-old');
    expect(ended()).toBe(false);
    localStorage.clear();
    expect(periodOf('wk', MODULE_KEYS)).toBeUndefined();
  });
});

describe('forgetIdentity (the user switches on)', () => {
  beforeEach(() => localStorage.clear());

  const browser = () => {
    const writes: string[] = [];
    const document = {
      get cookie() {
        return 'ajs_anonymous_id=a; ajs_user_id=u; other=1';
      },
      set cookie(value: string) {
        writes.push(value);
      },
    };
    return { writes, data: { localStorage: window.localStorage, document, hostname: 'backstage.example.com' } };
  };

  it.each([
    ['the identity in cookies too', true, ['ajs_anonymous_id', 'ajs_group_id', 'ajs_user_id']],
    ['agent.disableCookies: localStorage only, no cookie touched', false, []],
  ])('%s: the ids, traits and group go; queues, kept calls and the choice stay', (_, cookies, cookieNames) => {
    const keys = ['ajs_anonymous_id', 'ajs_user_id', 'ajs_user_traits', 'ajs_group_id', 'ajs_group_properties'];
    const kept = ['persisted-queue:v1:wk:dest-Segment.io:items', 'backstage-segment:wk:pending', '/segment-analytics/consent'];
    for (const key of [...keys, ...kept]) localStorage.setItem(key, '"x"');
    const { writes, data } = browser();
    forgetIdentity(cookies as boolean, data);
    expect(Object.keys(localStorage).sort()).toEqual([...kept].sort());
    expect([...new Set(writes.map(w => w.split('=')[0]))].sort()).toEqual(cookieNames);
    expect(writes.filter(w => w.startsWith('ajs_user_id=')).map(w => /domain=([^;]+)/.exec(w)?.[1] ?? '(host)')).toEqual(
      cookies ? ['(host)', '.backstage.example.com', '.example.com', '.com'] : [],
    );
  });
});

describe('holdsModuleIdentity', () => {
  beforeEach(() => localStorage.clear());
  const cookieDoc = (cookie: string) => ({ cookie });

  it.each([
    ['the record in localStorage (any write key)', { 'backstage-segment:other-key:user': '"u"' }, '', true],
    ['the record in its cookie (localStorage refused it)', {}, 'ajs_anonymous_id=a; backstage-segment.wk.user=u', true],
    ['only the library\'s ids (another Segment instance writes those)', { ajs_anonymous_id: '"a"', ajs_user_id: '"u"' }, 'ajs_anonymous_id=a', false],
    ['only the module\'s other keys', { 'backstage-segment:wk:pending': '[]', 'backstage-segment:wk:settings': 'x' }, '', false],
  ])('%s: %p', (_, keys: Record<string, string>, cookie, expected) => {
    for (const [key, value] of Object.entries(keys)) localStorage.setItem(key, value);
    expect(holdsModuleIdentity({ localStorage: window.localStorage, document: cookieDoc(cookie) })).toBe(expected);
  });
});
