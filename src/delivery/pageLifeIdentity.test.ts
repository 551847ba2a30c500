import { Analytics, AnalyticsBrowser } from '@segment/analytics-next';
import { readEnabled } from '../__testUtils__/configReading';
import { clickCall, recordFetchBodies } from '../__testUtils__/deliveryTestKit';
import { createPrivacy } from '../privacy/createPrivacy';
import { SegmentCall } from '../mapping/SegmentCall';
import { IDENTITY_KEYS, keepIdentityForPageLife, withPageLifeIdentity } from './pageLifeIdentity';
import { toLoadArguments } from './segmentOptions';
import { loadSegmentTransport } from './segmentTransport';
import { probeLocalStorage } from './storageProbe';
import { createStoredOwner } from './storedOwner';
import { pageRedactionPlugin } from './pageRedactionPlugin';
import { browserScheduler } from '../time/scheduler';

// The identity the Segment library keeps, held in memory for the page's life:
// read once at load from the browser's cookies and localStorage (as the
// library or the public Segment plugin left them), written back on change
// and when the page is hidden. The real library in jsdom, `fetch` recorded.

const config = () => readEnabled({ writeKey: 'page-life', cdnSettings: 'local', apiHost: 'http://127.0.0.1:9/v1' });

const call = (event: string) => ({ ...clickCall('s'), event, properties: { subject: 's', action: event } }) as SegmentCall;

function cookie(name: string): string | undefined {
  return document.cookie
    .split('; ')
    .find(part => part.startsWith(`${name}=`))
    ?.slice(name.length + 1);
}

function clearCookies() {
  for (const part of document.cookie.split('; ')) {
    const name = part.split('=')[0];
    if (name) document.cookie = `${name}=; max-age=0; path=/`;
  }
}

/** Counts writes to `document.cookie` and localStorage from now on. */
function countWrites() {
  const original = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
  const counts = { cookie: 0, localStorage: 0 };
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    get() {
      return original.get!.call(this);
    },
    set(value: string) {
      counts.cookie++;
      original.set!.call(this, value);
    },
  });
  const setItem = jest.spyOn(Storage.prototype, 'setItem');
  return {
    get cookie() {
      return counts.cookie;
    },
    get localStorage() {
      return setItem.mock.calls.filter(([key]) => !String(key).startsWith('persisted-queue')).length;
    },
    stop() {
      Object.defineProperty(Document.prototype, 'cookie', original);
      setItem.mockRestore();
    },
  };
}

let posted: Array<Record<string, any>>;
beforeEach(() => {
  localStorage.clear();
  clearCookies();
  posted = recordFetchBodies();
});
afterEach(() => {
  jest.restoreAllMocks();
  localStorage.clear();
  clearCookies();
});

const logger = () => ({ warn: jest.fn(), info: jest.fn() });
const load = () => loadSegmentTransport(config(), {
  logger: logger(),
  scheduler: browserScheduler,
  insideLibrary: pageRedactionPlugin(createPrivacy().library),
  localStorage: probeLocalStorage(() => window.localStorage),
});
const sentBy = (event: string) => posted.find(p => p.event === event)!;

describe('the identity held for the page’s life', () => {
  it('keeps the anonymous id a browser already has from the public Segment plugin (its ajs_anonymous_id cookie)', async () => {
    document.cookie = 'ajs_anonymous_id=visitor-from-the-public-plugin; path=/';
    const transport = await load();
    await transport.send(call('first'), {});
    expect(sentBy('first').anonymousId).toBe('visitor-from-the-public-plugin');
  });

  it('keeps the anonymous id the library stored as JSON in localStorage', async () => {
    localStorage.setItem(IDENTITY_KEYS.anonymousId, JSON.stringify('stored-in-local-storage'));
    const transport = await load();
    await transport.send(call('first'), {});
    expect(sentBy('first').anonymousId).toBe('stored-in-local-storage');
  });

  it('survives a reload: what one load made, the next load sends', async () => {
    const first = await load();
    first.startSession('user:default/jane', new Date());
    await first.send(call('before-reload'), { userId: 'user:default/jane' });
    const anonymousId = sentBy('before-reload').anonymousId;
    expect(anonymousId).toEqual(expect.any(String));
    // Written in the library's own places and format.
    expect(cookie(IDENTITY_KEYS.anonymousId)).toBe(anonymousId);
    expect(JSON.parse(localStorage.getItem(IDENTITY_KEYS.anonymousId)!)).toBe(anonymousId);
    expect(cookie(IDENTITY_KEYS.userId)).toBe('user:default/jane');

    const second = await load(); // a reload, or a new tab
    second.startSession('user:default/jane', new Date());
    await second.send(call('after-reload'), { userId: 'user:default/jane' });
    expect(sentBy('after-reload')).toMatchObject({ anonymousId, userId: 'user:default/jane' });
  });

  it('writes to cookies and localStorage only when the identity changes, never per event', async () => {
    const transport = await load();
    transport.startSession('user:default/jane', new Date());
    await transport.send(call('warm-up'), { userId: 'user:default/jane' });
    const writes = countWrites();
    try {
      for (let i = 0; i < 20; i++) await transport.send(call(`steady-${i}`), { userId: 'user:default/jane' });
      transport.leaving?.(false); // the page is hidden: nothing changed, nothing to write
      expect({ cookie: writes.cookie, localStorage: writes.localStorage }).toEqual({ cookie: 0, localStorage: 0 });
      // Another person signs in: a fresh anonymous id, written at once.
      transport.startSession('user:default/john', new Date());
      await transport.send(call('john'), { userId: 'user:default/john' });
      expect(writes.cookie).toBeGreaterThan(0);
      expect(cookie(IDENTITY_KEYS.anonymousId)).toBe(sentBy('john').anonymousId);
      expect(sentBy('john').anonymousId).not.toBe(sentBy('warm-up').anonymousId);
    } finally {
      writes.stop();
    }
  });

  it("a tab whose identity comes late, after another person signed in in another tab: the browser never pairs this tab's user with the other's anonymous id", async () => {
    const owner = () => createStoredOwner(window.localStorage, 'page-life', { identifiesUsers: true });
    const loadTab = () => loadSegmentTransport(config(), {
      logger: logger(),
      scheduler: browserScheduler,
      storedOwner: owner(),
      insideLibrary: pageRedactionPlugin(createPrivacy().library),
      localStorage: probeLocalStorage(() => window.localStorage),
    });
    const earlier = await loadTab(); // the guest's earlier visit
    earlier.startSession('user:default/guest', new Date());
    await earlier.send(call('earlier'), { userId: 'user:default/guest' });
    const tabA = await loadTab();
    tabA.startSession(undefined, new Date()); // the guest's identity is late: anonymous meanwhile
    await tabA.send(call('a-anonymous'), {});
    const tabB = await loadTab();
    tabB.startSession('user:default/alice', new Date());
    await tabB.send(call('b-alice'), { userId: 'user:default/alice' });
    tabA.startSession('user:default/guest', new Date()); // the guest's identity arrives in tab A
    await tabA.send(call('a-guest'), { userId: 'user:default/guest' });
    const alice = sentBy('b-alice').anonymousId;
    expect(sentBy('a-guest').anonymousId).not.toBe(alice);
    expect({ user: cookie(IDENTITY_KEYS.userId), anonymous: cookie(IDENTITY_KEYS.anonymousId) }).toEqual({
      user: 'user:default/guest',
      anonymous: sentBy('a-guest').anonymousId,
    });
    const tabC = await loadTab(); // the guest opens another tab
    tabC.startSession('user:default/guest', new Date());
    await tabC.send(call('c-guest'), { userId: 'user:default/guest' });
    expect(sentBy('c-guest').anonymousId).toBe(sentBy('a-guest').anonymousId);
  });

  it("site data cleared while the page is open: the page's identity is written back when it is hidden, and the next load goes on with it", async () => {
    const first = await load();
    first.startSession('user:default/jane', new Date());
    await first.send(call('before-clear'), { userId: 'user:default/jane' });
    const anonymousId = sentBy('before-clear').anonymousId;
    localStorage.clear();
    clearCookies();
    await first.send(call('after-clear'), { userId: 'user:default/jane' });
    expect(sentBy('after-clear').anonymousId).toBe(anonymousId);
    first.leaving?.(false); // the page is hidden (the user opens a new tab)
    expect(cookie(IDENTITY_KEYS.anonymousId)).toBe(anonymousId);

    const second = await load(); // the new tab
    second.startSession('user:default/jane', new Date());
    await second.send(call('new-tab'), { userId: 'user:default/jane' });
    expect(sentBy('new-tab')).toMatchObject({ anonymousId, userId: 'user:default/jane' });
  });
});

describe('withPageLifeIdentity', () => {
  it('holds the user and group in memory, and keeps every other option', () => {
    const [, options] = toLoadArguments(config());
    expect(withPageLifeIdentity(options)).toEqual({
      ...options,
      user: { storage: { stores: ['memory'] } },
      group: { storage: { stores: ['memory'] } },
    });
  });

  it('leaves options without client persistence as they are (the storage probe’s choice)', () => {
    const options = { disableClientPersistence: true, user: { persist: true, storage: { stores: ['cookie' as const] } } };
    expect(withPageLifeIdentity(options)).toBe(options);
  });

  it('loads the real library, whose events then read the identity from memory', async () => {
    const [settings, options] = toLoadArguments(config());
    const [analytics]: [Analytics, unknown] = await AnalyticsBrowser.load(settings, withPageLifeIdentity(options));
    const identity = keepIdentityForPageLife(analytics);
    const writes = countWrites();
    try {
      await analytics.track('one');
      await analytics.track('two');
      expect(writes.cookie + writes.localStorage).toBe(0);
      identity.sync(); // the first event made an anonymous id: written now
      expect(cookie(IDENTITY_KEYS.anonymousId)).toBe(sentBy('one').anonymousId);
    } finally {
      writes.stop();
    }
  });
});
