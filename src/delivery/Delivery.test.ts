import { resolveIdentity } from '../identity/resolveIdentity';
import { SegmentCall } from '../mapping/SegmentCall';
import { titleWaitMs } from '../mapping/pageHistory';
import { callStoreKey, createCallStore } from './callStore';
import { Delivery } from './Delivery';
import { DeliveryOptions } from './deliveryOptions';
import { costlyScheduler, countPerTask, drivenLifecycle, recordingTransport, clickCall } from '../__testUtils__/deliveryTestKit';
import { userIdentity } from '../__testUtils__/identityApis';
import { createStoredOwner } from './storedOwner';
import { Transport } from './Transport';

const page = { url: 'http://x/', path: '/', search: '', title: 't', referrer: '' };
const call = clickCall;
const later = <T>(ms: number, value: T) => new Promise<T>(r => setTimeout(() => r(value), ms));
const logger = () => ({ warn: jest.fn(), info: jest.fn() });
const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('Delivery', () => {
  it('starts the session (identify) first, then every waiting call in capture order', async () => {
    const { sent, transport } = recordingTransport();
    const d = new Delivery({ transport: later(30, transport), userId: later(60, 'u1'), identityTimeoutMs: 1000, logger: logger() });
    d.enqueue(call('a'));
    d.enqueue(call('b'));
    await advance(300);
    d.enqueue(call('c'));
    await advance(10);
    expect(sent).toEqual(['identify u1', 'click a as u1', 'click b as u1', 'click c as u1']);
  });

  it('sends anonymously after the identity time-out, warns once, then identifies when the identity arrives', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({ transport: Promise.resolve(transport), userId: later(250, 'u2'), identityTimeoutMs: 50, logger: log });
    d.enqueue(call('early'));
    await advance(80);
    d.enqueue(call('middle'));
    await advance(300);
    d.enqueue(call('after'));
    await advance(10);
    expect(sent).toEqual([
      'anonymous session',
      'click early as anonymous',
      'click middle as anonymous',
      'identify u2',
      'click after as u2',
    ]);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('counts the identity time-out from the first waiting call, not from construction', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({ transport: Promise.resolve(transport), userId: later(300, 'u3'), identityTimeoutMs: 600, logger: log });
    await advance(250); // the app is up, the user has not signed in yet; no event so far
    d.enqueue(call('first'));
    await advance(400);
    expect(sent).toEqual(['identify u3', 'click first as u3']);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('sends anonymously with one warning when identity fails', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({
      transport: Promise.resolve(transport),
      userId: Promise.reject(new Error('no session')),
      identityTimeoutMs: 1000,
      logger: log,
    });
    d.enqueue(call('a'));
    await advance(10);
    expect(sent).toEqual(['anonymous session', 'click a as anonymous']);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('bounds memory only while waiting, dropping the oldest, with one warning naming how many', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({ transport: later(30, transport), identityTimeoutMs: 0, logger: log, maxWaiting: 3 });
    for (const s of ['1', '2', '3', '4', '5']) d.enqueue(call(s));
    await advance(100);
    expect(sent).toEqual(['anonymous session', 'click 3 as anonymous', 'click 4 as anonymous', 'click 5 as anonymous']);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0][0]).toMatch(/\b2 events were dropped/);
  });

  it('drops nothing once ready: 10,000 calls in one task all go out, in order, a few ms of work per task', async () => {
    const { sent, transport } = recordingTransport();
    const clock = costlyScheduler();
    const d = new Delivery({
      transport: Promise.resolve(transport),
      userId: Promise.resolve('u'),
      identityTimeoutMs: 100,
      logger: logger(),
      scheduler: clock.scheduler,
    });
    d.enqueue(call('warm-up'));
    await advance(10);
    const perTask = countPerTask(transport, () => clock.spend(1)); // each call costs the library 1 ms
    for (let i = 0; i < 10_000; i++) d.enqueue(call(`${i}`));
    await advance(60_000);
    const clicks = sent.filter(x => x.startsWith('click') && x !== 'click warm-up as u');
    expect(clicks).toHaveLength(10_000);
    expect(clicks[0]).toBe('click 0 as u');
    expect(clicks[9999]).toBe('click 9999 as u');
    // The 8 ms slice is measured after every call.
    expect(Math.max(...perTask)).toBeLessThanOrEqual(8);
  });

  it('keeps at most maxInFlight calls in the library at once, the next ones as earlier ones settle', async () => {
    const { sent, transport } = recordingTransport();
    const pending: (() => void)[] = [];
    const send = transport.send;
    transport.send = (c, o) => {
      send(c, o);
      return new Promise<void>(r => pending.push(r));
    };
    const d = new Delivery({ transport: Promise.resolve(transport), identityTimeoutMs: 0, logger: logger(), maxInFlight: 3 });
    for (let i = 0; i < 5; i++) d.enqueue(call(`${i}`));
    await advance(10);
    expect(sent).toEqual(['anonymous session', 'click 0 as anonymous', 'click 1 as anonymous', 'click 2 as anonymous']);
    pending[0]();
    await advance(10);
    expect(sent).toHaveLength(5);
    await advance(10_000); // an attempt the library never answers stops counting after 10 s
    expect(sent).toHaveLength(6);
  });

  it('keeps nothing once the transport has failed to load, and warns once', async () => {
    const log = logger();
    const { sent, transport } = recordingTransport();
    const d = new Delivery({ transport: Promise.reject(new Error('blocked')), identityTimeoutMs: 0, logger: log });
    d.enqueue(call('a'));
    await advance(10);
    for (let i = 0; i < 100; i++) d.enqueue(call(`${i}`));
    await advance(10);
    expect(sent).toEqual([]);
    expect(transport).toBeDefined();
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('drops a call over the size limit with a warning naming its action, and sends the others', async () => {
    const { sent, transport } = recordingTransport();
    const log = logger();
    const d = new Delivery({ transport: Promise.resolve(transport), identityTimeoutMs: 0, logger: log });
    const huge = call('huge');
    huge.properties.attributes = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 'v'.repeat(10)]));
    d.enqueue(call('before'));
    d.enqueue(huge);
    d.enqueue(call('after'));
    await advance(10);
    expect(sent).toEqual(['anonymous session', 'click before as anonymous', 'click after as anonymous']);
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining("'click' event"));
  });

  describe('page titles', () => {
    const nav = (url: string, title: string): SegmentCall => ({
      type: 'page',
      properties: { subject: url, action: 'navigate' },
      page: { ...page, url, title },
      timestamp: new Date(),
    });

    function titled() {
      const doc = { href: 'http://x/a', title: 'Old' };
      const { sent, transport } = recordingTransport();
      const titles: string[] = [];
      const life = drivenLifecycle();
      const d = new Delivery({
        transport: Promise.resolve(transport),
        identityTimeoutMs: 0,
        logger: logger(),
        beforeSend: c => {
          if (c.type === 'page') titles.push(doc.href === c.page.url ? doc.title : c.page.title);
          return c;
        },
        holdMs: (c, now) => titleWaitMs(c, doc, now, 1000),
        onPageLeave: life.onPageLeave,
      });
      return { doc, sent, titles, d, life };
    }

    it('a page call waits for the title to change; calls behind it wait too, in order', async () => {
      const { doc, sent, titles, d } = titled();
      await advance(1);
      d.enqueue(nav('http://x/a', 'Old'));
      d.enqueue(call('after-nav'));
      await advance(300);
      expect(sent).toEqual(['anonymous session']);
      doc.title = 'Page A';
      await advance(60);
      expect(sent).toEqual(['anonymous session', 'page http://x/a as anonymous', 'click after-nav as anonymous']);
      expect(titles).toEqual(['Page A']);
    });

    it('waits no longer than the bound when the title never changes', async () => {
      const { sent, d } = titled();
      await advance(1);
      d.enqueue(nav('http://x/a', 'Old'));
      await advance(900);
      expect(sent).toEqual(['anonymous session']);
      await advance(160);
      expect(sent).toEqual(['anonymous session', 'page http://x/a as anonymous']);
    });

    it('leaving the page releases a waiting page call and everything behind it at once', async () => {
      const { sent, d, life } = titled();
      await advance(1);
      d.enqueue(nav('http://x/a', 'Old'));
      d.enqueue(call('click-away'));
      life.leave();
      expect(sent).toEqual(['anonymous session', 'page http://x/a as anonymous', 'click click-away as anonymous']);
    });
  });

  describe('leaving the page', () => {
    it('hands over at once, in the same task, everything captured when ready', async () => {
      const { sent, transport } = recordingTransport();
      const leaving = jest.fn();
      transport.leaving = leaving;
      const life = drivenLifecycle();
      const d = new Delivery({ transport: Promise.resolve(transport), userId: Promise.resolve('u'), identityTimeoutMs: 100, logger: logger(), onPageLeave: life.onPageLeave });
      await advance(10);
      d.enqueue(call('sign-out'));
      life.leave();
      expect(sent).toEqual(['identify u', 'click sign-out as u']);
      expect(leaving).toHaveBeenCalled();
    });

    function stored(storage: ReturnType<typeof memoryStorage>) {
      const raw = storage.data.get(callStoreKey('wk'));
      return raw ? (JSON.parse(raw).calls as any[]) : [];
    }

    function withStore(storage: ReturnType<typeof memoryStorage>, options: Partial<DeliveryOptions>) {
      const log = logger();
      const life = drivenLifecycle();
      let n = 0;
      const d = new Delivery({
        transport: new Promise(() => {}),
        identityTimeoutMs: 5000,
        logger: log,
        store: createCallStore({ storage, writeKey: 'wk', now: () => Date.now(), logger: log }),
        storedOwner: createStoredOwner(storage, 'wk'),
        onPageLeave: life.onPageLeave,
        newId: () => `id-${++n}`,
        ...options,
      });
      return { d, life, log };
    }

    it('stores what waits for the library, with its user, and the next load sends it once, before its own calls', async () => {
      const storage = memoryStorage();
      const first = withStore(storage, { userId: Promise.resolve('hashed-u') });
      await advance(1);
      first.d.enqueue(call('a'));
      first.d.enqueue(call('b'));
      first.life.leave();
      expect(stored(storage).map(s => [s.messageId, s.owner, s.call.properties.subject])).toEqual([
        ['id-1', 'hashed-u', 'a'],
        ['id-2', 'hashed-u', 'b'],
      ]);

      const { sent, options, transport } = recordingTransport();
      const second = withStore(storage, { transport: later(20, transport), userId: later(40, 'hashed-u') });
      second.d.enqueue(call('c'));
      await advance(100);
      expect(sent).toEqual(['identify hashed-u', 'click a as hashed-u', 'click b as hashed-u', 'click c as hashed-u']);
      expect(options.slice(0, 2).map(o => o.messageId)).toEqual(['id-1', 'id-2']);
      expect(stored(storage)).toEqual([]);

      // A third load finds nothing more to send.
      const third = recordingTransport();
      withStore(storage, { transport: Promise.resolve(third.transport), userId: Promise.resolve('hashed-u') });
      await advance(100);
      expect(third.sent).toEqual(['identify hashed-u']);
    });

    it("keeps another user's stored calls for that user: never sent in someone else's session", async () => {
      const storage = memoryStorage();
      const alice = withStore(storage, { userId: Promise.resolve('alice') });
      await advance(1);
      alice.d.enqueue(call('alice-click'));
      alice.life.leave();

      const bob = recordingTransport();
      withStore(storage, { transport: Promise.resolve(bob.transport), userId: Promise.resolve('bob') });
      await advance(100);
      expect(bob.sent).toEqual(['identify bob']);
      expect(stored(storage)).toHaveLength(1);

      const aliceAgain = recordingTransport();
      withStore(storage, { transport: Promise.resolve(aliceAgain.transport), userId: Promise.resolve('alice') });
      await advance(100);
      expect(aliceAgain.sent).toEqual(['identify alice', 'click alice-click as alice']);
    });

    it('stores calls of a pending identity as anonymous, with a fresh anonymous id when another user is stored', async () => {
      const storage = memoryStorage();
      createStoredOwner(storage, 'wk').set('alice');
      const pending = withStore(storage, { userId: new Promise(() => {}) });
      pending.d.enqueue(call('x'));
      pending.d.enqueue(call('y'));
      pending.life.leave();
      const kept = stored(storage);
      expect(kept.map(s => s.owner)).toEqual([null, null]);
      expect(kept[0].anonymousId).toBeDefined();
      expect(kept[1].anonymousId).toBe(kept[0].anonymousId);

      const next = recordingTransport();
      withStore(storage, { transport: Promise.resolve(next.transport), userId: new Promise(() => {}) });
      await advance(10);
      // Sent at once, before this session (still pending) starts, with the id it was stored with.
      expect(next.sent).toEqual(['click x as anonymous', 'click y as anonymous']);
      expect(next.options.map(o => o.anonymousId)).toEqual([kept[0].anonymousId, kept[0].anonymousId]);
    });

    it('a call stored on hide and sent later by the same page is not sent again by the next load', async () => {
      const storage = memoryStorage();
      const { sent, transport } = recordingTransport();
      let ready: (t: Transport) => void = () => {};
      const page1 = withStore(storage, { transport: new Promise<Transport>(r => (ready = r)), userId: Promise.resolve('u') });
      await advance(1);
      page1.d.enqueue(call('hidden'));
      page1.life.leave(); // a tab switch: the page comes back
      expect(stored(storage)).toHaveLength(1);
      ready(transport);
      await advance(10);
      expect(sent).toEqual(['identify u', 'click hidden as u']);
      expect(stored(storage)).toEqual([]);
    });

    it.each([
      ['sha-256', 'sha-256' as const],
      ['a function of your own', async (ref: string) => `pseudo-${ref.length}`],
    ])('with a %s transform, nothing stored holds the plaintext entity ref', async (_, transform) => {
      const ref = 'user:default/jane.doe';
      const identityApi = userIdentity(ref);
      const storage = memoryStorage();
      jest.useRealTimers(); // the real WebCrypto digest
      const userId = resolveIdentity({ identityApi, transform }).then(identity => identity.userId);
      const digest = await userId;
      jest.useFakeTimers();
      const { d, life } = withStore(storage, { userId });
      await advance(1);
      d.enqueue(call('a'));
      life.leave();
      createStoredOwner(storage, 'wk').set(digest); // as the transport records it
      const everything = [...storage.data.entries()].flat().join('\n');
      expect(everything).toContain(digest);
      expect(everything).not.toContain(ref);
      expect(everything).not.toContain('jane.doe');
    });

    it('what is handed over while leaving is also kept, and the next load resends it with the same messageId', async () => {
      const storage = memoryStorage();
      const first = recordingTransport();
      const page1 = withStore(storage, { transport: Promise.resolve(first.transport), userId: Promise.resolve('u') });
      await advance(10);
      page1.d.enqueue(call('last-click'));
      page1.life.leave();
      expect(first.sent).toEqual(['identify u', 'click last-click as u']);
      const messageId = first.options[0].messageId;
      expect(messageId).toBeDefined();

      const second = recordingTransport();
      withStore(storage, { transport: Promise.resolve(second.transport), userId: Promise.resolve('u') });
      await advance(10);
      expect(second.sent).toEqual(['identify u', 'click last-click as u']);
      expect(second.options[0].messageId).toBe(messageId);
      expect(stored(storage)).toEqual([]);
    });

    it('stores nothing without a store (test mode, client persistence off)', async () => {
      const storage = memoryStorage();
      const { d, life } = withStore(storage, { store: undefined, userId: Promise.resolve('u') });
      d.enqueue(call('a'));
      life.leave();
      expect(storage.data.size).toBe(0);
    });
  });
});
