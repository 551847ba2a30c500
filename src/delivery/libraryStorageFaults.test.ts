import { Analytics, AnalyticsBrowser } from '@segment/analytics-next';
import { readEnabled } from '../__testUtils__/configReading';
import { createPrivacy } from '../privacy/createPrivacy';
import { guardEnrichment, PAGE_ENRICHMENT } from './enrichmentGuard';
import { toLoadArguments } from './segmentOptions';
import { loadSegmentTransport } from './segmentTransport';
import { probeCookies } from './cookieProbe';
import { BrowserStorageState, probeLocalStorage } from './storageProbe';
import { pageRedactionPlugin } from './pageRedactionPlugin';
import { clickCall } from '../__testUtils__/deliveryTestKit';
import { createStoredOwner } from './storedOwner';
import { browserScheduler } from '../time/scheduler';

// Where `@segment/analytics-next` 1.84 fails when the page's storage does, and that the options the probe
// leads to avoid it: the real library, in jsdom, with local settings (no settings fetch) and `fetch` recorded.

const config = () => readEnabled({ writeKey: 'faults', cdnSettings: 'local', apiHost: 'http://127.0.0.1:9/v1' });

const probe = (): BrowserStorageState => ({ localStorage: probeLocalStorage(() => window.localStorage), cookies: probeCookies(document) });

async function load(storage?: BrowserStorageState): Promise<Analytics> {
  const [settings, options] = toLoadArguments(config(), storage);
  const [analytics] = await AnalyticsBrowser.load(settings, options);
  guardEnrichment(analytics.queue.plugins);
  return analytics;
}

/** Fills jsdom's localStorage to its quota, as other apps of an origin can. */
function fillLocalStorage() {
  for (let size = 1 << 20, i = 0; size >= 1; ) {
    try {
      localStorage.setItem(`filler-${i++}`, 'x'.repeat(size));
    } catch {
      size = Math.floor(size / 2);
    }
  }
}

let posted: string[];
beforeEach(() => {
  localStorage.clear();
  posted = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => {
    posted.push(`${String(url)} ${JSON.parse(String(init?.body)).event ?? ''}`);
    return new Response('{}', { status: 200 });
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  localStorage.clear();
});

async function delivered(analytics: Analytics, event: string) {
  await analytics.track(event);
  return posted.filter(p => p.endsWith(` ${event}`));
}

describe('the Segment library when localStorage is full', () => {
  beforeEach(fillLocalStorage);

  it('with its defaults, fails to load: its queue takes a lock by writing a key', async () => {
    const [settings, options] = toLoadArguments(config());
    await expect(AnalyticsBrowser.load(settings, options)).rejects.toMatchObject({ name: 'QuotaExceededError' });
  });

  it('with the options the probe leads to, loads and delivers', async () => {
    const storage = probe();
    expect(storage.localStorage).toMatchObject({ kind: 'readOnly', full: true });
    expect(toLoadArguments(config(), storage)[1]).toMatchObject({ disableClientPersistence: true });
    const analytics = await load(storage);
    expect(await delivered(analytics, 'while-full')).toEqual(['http://127.0.0.1:9/v1/t while-full']);
  });
});

describe('loadSegmentTransport when localStorage is full: the identity kept in the library\'s cookies', () => {
  beforeEach(fillLocalStorage);
  afterEach(() => {
    for (const name of ['ajs_user_id', 'ajs_anonymous_id', 'ajs_group_id']) document.cookie = `${name}=; path=/; max-age=0`;
  });

  /** One page load: the transport as createDelivery makes it (the owner record in localStorage, which can be read when full). */
  const pageLoad = () =>
    loadSegmentTransport(config(), {
      logger: { warn: () => {}, info: () => {} },
      scheduler: browserScheduler,
      storedOwner: createStoredOwner(window.localStorage, 'faults'),
      insideLibrary: pageRedactionPlugin(createPrivacy().library),
      localStorage: probeLocalStorage(() => window.localStorage),
    });
  const freeLocalStorage = () => {
    for (const key of Object.keys(localStorage).filter(k => k.startsWith('filler-'))) localStorage.removeItem(key);
  };
  /** The bodies of the requests sent, oldest first. */
  const bodies = () => ((globalThis.fetch as jest.MockedFunction<typeof fetch>).mock.calls as [unknown, RequestInit][]).map(([, init]) => JSON.parse(String(init.body)));
  const cookie = (name: string) => document.cookie.split('; ').find(c => c.startsWith(`${name}=`))?.slice(name.length + 1);

  it('the anonymous id and the user id survive a reload, in the cookies the library reads', async () => {
    const first = await pageLoad();
    first.startSession('user:default/alice', new Date());
    await first.send(clickCall('first-load'), { userId: 'user:default/alice' });
    const anonymousId = bodies().find(b => b.properties?.subject === 'first-load').anonymousId;
    expect(cookie('ajs_anonymous_id')).toBe(anonymousId);
    expect(decodeURIComponent(cookie('ajs_user_id') ?? '')).toBe('user:default/alice');

    const second = await pageLoad();
    second.startSession('user:default/alice', new Date());
    await second.send(clickCall('second-load'), { userId: 'user:default/alice' });
    expect(bodies().find(b => b.properties?.subject === 'second-load')).toMatchObject({ anonymousId, userId: 'user:default/alice' });
  });

  it('once localStorage works again, the next load reads the identity the cookies kept, not an older copy left in localStorage', async () => {
    localStorage.clear();
    localStorage.setItem('ajs_user_id', JSON.stringify('user:default/someone-before'));
    fillLocalStorage();
    const whileFull = await pageLoad();
    whileFull.startSession('user:default/alice', new Date());
    await whileFull.send(clickCall('while-full'), { userId: 'user:default/alice' });
    const anonymousId = bodies().find(b => b.properties?.subject === 'while-full').anonymousId;

    freeLocalStorage();
    const freed = await pageLoad();
    freed.startSession('user:default/alice', new Date());
    await freed.send(clickCall('freed'), { userId: 'user:default/alice' });
    expect(bodies().find(b => b.properties?.subject === 'freed')).toMatchObject({ anonymousId, userId: 'user:default/alice' });
  });

  it('a session that cannot record its user leaves no out-of-date record: Alice, then Bob while full, then Alice with storage working again', async () => {
    const userOf = (subject: string) => bodies().find(b => b.properties?.subject === subject);
    // Bob's id is the longer: a full storage cannot replace Alice's record with it.
    freeLocalStorage();
    const aliceFirst = await pageLoad();
    aliceFirst.startSession('user:default/alice', new Date());
    await aliceFirst.send(clickCall('alice-first'), { userId: 'user:default/alice' });

    fillLocalStorage();
    const bob = await pageLoad();
    bob.startSession('user:default/bartholomew.longname', new Date());
    await bob.send(clickCall('bob'), { userId: 'user:default/bartholomew.longname' });
    expect(userOf('bob').anonymousId).not.toBe(userOf('alice-first').anonymousId);

    freeLocalStorage();
    const aliceAgain = await pageLoad();
    aliceAgain.startSession('user:default/alice', new Date());
    await aliceAgain.send(clickCall('alice-again'), { userId: 'user:default/alice' });
    expect(userOf('alice-again').anonymousId).not.toBe(userOf('bob').anonymousId);
  });

  it('a load left before its user is known keeps the record of whose identity it is: the next person gets a new anonymous id', async () => {
    const alice = await pageLoad();
    alice.startSession('user:default/alice', new Date());
    await alice.send(clickCall('alice'), { userId: 'user:default/alice' });
    const aliceAnonymousId = bodies().find(b => b.properties?.subject === 'alice').anonymousId;

    // Alice again; the page is left before her identity is known: what it sends is anonymous.
    const pending = await pageLoad();
    await pending.send(clickCall('pending'), {});
    expect(bodies().find(b => b.properties?.subject === 'pending').userId ?? null).toBeNull();
    pending.leaving?.(true);
    expect(decodeURIComponent(cookie('ajs_user_id') ?? '')).toBe('user:default/alice');

    const bob = await pageLoad();
    bob.startSession('user:default/bob', new Date());
    await bob.send(clickCall('bob'), { userId: 'user:default/bob' });
    const sent = bodies().find(b => b.properties?.subject === 'bob');
    expect(sent.userId).toBe('user:default/bob');
    expect(sent.anonymousId).not.toBe(aliceAnonymousId);
    expect(cookie('ajs_anonymous_id')).toBe(sent.anonymousId);
  });
});

describe('the Segment library when localStorage refuses writes', () => {
  beforeEach(() => {
    jest.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('writes refused', 'SecurityError');
    });
  });

  it('with its defaults, fails to load', async () => {
    const [settings, options] = toLoadArguments(config());
    await expect(AnalyticsBrowser.load(settings, options)).rejects.toMatchObject({ name: 'SecurityError' });
  });

  it('with the options the probe leads to, loads and delivers', async () => {
    const storage = probe();
    expect(storage.localStorage).toMatchObject({ kind: 'readOnly', full: false });
    expect(await delivered(await load(storage), 'while-refused')).toEqual(['http://127.0.0.1:9/v1/t while-refused']);
  });
});

describe('the Segment library when document.cookie throws', () => {
  let restore: () => void;
  beforeEach(() => {
    const original = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
    const refuse = () => {
      throw new DOMException('cookies refused', 'SecurityError');
    };
    Object.defineProperty(Document.prototype, 'cookie', { configurable: true, get: refuse, set: refuse });
    restore = () => Object.defineProperty(Document.prototype, 'cookie', original);
  });
  afterEach(() => restore());

  it('its enrichment plugin reads the cookies for every event, and throws; guarded, the event goes on', async () => {
    const [settings, options] = toLoadArguments(config());
    const [analytics] = await AnalyticsBrowser.load(settings, options);
    const enrichment = analytics.queue.plugins.find(p => p.name === PAGE_ENRICHMENT) as any;
    const ctx = () => ({ event: { type: 'track', context: { page: { search: '' } } } });
    // The library's own enrichment (each event hook calls it): an AMP id read from `document.cookie`.
    expect(() => enrichment.enrich(ctx())).toThrow('cookies refused');
    guardEnrichment(analytics.queue.plugins);
    expect(enrichment.track(ctx())).toMatchObject({ event: { context: { timezone: expect.any(String), userAgent: navigator.userAgent } } });
  });

  it('guarded, with the options the probe leads to, loads and delivers, with the time zone still set', async () => {
    const storage = probe();
    expect(storage.cookies).toMatchObject({ kind: 'unavailable' });
    expect(toLoadArguments(config(), storage)[1]).toMatchObject({ storage: { stores: ['localStorage', 'memory'] } });
    const analytics = await load(storage);
    const ctx = await analytics.track('cookies-refused');
    expect(posted).toContain('http://127.0.0.1:9/v1/t cookies-refused');
    expect(ctx.event.context?.timezone).toBe(new Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(ctx.event.context?.userAgent).toBe(navigator.userAgent);
  });
});

describe('loadSegmentTransport when localStorage refuses only the keys the library writes', () => {
  beforeEach(() => {
    const setItem = Storage.prototype.setItem;
    jest.spyOn(Storage.prototype, 'setItem').mockImplementation(function refuseLibraryKeys(this: Storage, key: string, value: string) {
      if (key.startsWith('persisted-queue')) throw new DOMException('quota', 'QuotaExceededError');
      return setItem.call(this, key, value);
    });
  });

  it('the probe passes, the load fails on the lock, and is retried with the queues in memory: delivered, one warning', async () => {
    const access = probeLocalStorage(() => window.localStorage);
    expect(access).toEqual({ kind: 'usable' });
    const logger = { warn: jest.fn(), info: jest.fn() };
    const transport = await loadSegmentTransport(config(), {
      logger,
      scheduler: browserScheduler,
      insideLibrary: pageRedactionPlugin(createPrivacy().library),
      localStorage: access,
    });
    await transport.send(clickCall('after-retry'), {});
    expect(posted).toEqual(['http://127.0.0.1:9/v1/t click']);
    expect(logger.warn.mock.calls.map(c => c[0])).toEqual([
      expect.stringMatching(/^Segment analytics: localStorage is full \(QuotaExceededError: quota\); analytics keeps working from memory/),
    ]);
  });
});
