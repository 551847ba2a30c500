import { resolveIdentity } from '../identity/resolveIdentity';
import { Delivery } from './Delivery';
import { clickCall, deliveryWithStore, drivenLifecycle, memoryStorage, recordingTransport, storedCalls } from '../__testUtils__/deliveryTestKit';
import { userIdentity } from '../__testUtils__/identityApis';
import { createStoredOwner, storedOwnerKey, UNIDENTIFIED } from './storedOwner';
import { Transport } from './Transport';

const call = clickCall;
const later = <T>(ms: number, value: T) => new Promise<T>(r => setTimeout(() => r(value), ms));
const logger = () => ({ warn: jest.fn(), info: jest.fn() });
const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('Delivery', () => {
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

    const stored = storedCalls;
    const withStore = deliveryWithStore;

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

    it("a user's stored calls wait through an anonymous session (identity late) and go once the identity comes", async () => {
      const storage = memoryStorage();
      const first = withStore(storage, { userId: Promise.resolve('u') });
      await advance(1);
      first.d.enqueue(call('stored'));
      first.life.leave();

      const late = recordingTransport();
      withStore(storage, { transport: Promise.resolve(late.transport), userId: later(3000, 'u'), identityTimeoutMs: 1000 }).d.enqueue(call('now'));
      await advance(1500);
      expect(late.sent).toEqual(['anonymous session', 'click now as anonymous']);
      await advance(2000);
      expect(late.sent).toEqual(['anonymous session', 'click now as anonymous', 'identify u', 'click stored as u']);
      expect(stored(storage)).toEqual([]);
    });

    it('stores calls of a pending identity as anonymous, with a fresh anonymous id when another user is stored', async () => {
      const storage = memoryStorage();
      createStoredOwner(storage, 'wk').set('alice');
      storage.setItem('ajs_anonymous_id', JSON.stringify('anonymous-id-of-alice'));
      const pending = withStore(storage, { userId: new Promise(() => {}) });
      pending.d.enqueue(call('x'));
      pending.d.enqueue(call('y'));
      pending.life.leave();
      const kept = stored(storage);
      expect(kept.map(s => s.owner)).toEqual([null, null]);
      expect(kept[0].anonymousId).toEqual(expect.any(String));
      expect(kept[0].anonymousId).not.toBe('anonymous-id-of-alice');
      expect(kept[1].anonymousId).toBe(kept[0].anonymousId);

      const next = recordingTransport();
      withStore(storage, { transport: Promise.resolve(next.transport), userId: new Promise(() => {}) });
      await advance(10);
      // Sent at once, before this session (still pending) starts, with the id it was stored with.
      expect(next.sent).toEqual(['click x as anonymous', 'click y as anonymous']);
      expect(next.options.map(o => o.anonymousId)).toEqual([kept[0].anonymousId, kept[0].anonymousId]);
    });

    it('left before its user was known, with no one recorded: the record says someone unidentified (the next user starts afresh)', () => {
      const storage = memoryStorage();
      const pending = withStore(storage, { userId: new Promise(() => {}), storedOwner: createStoredOwner(storage, 'wk', { identifiesUsers: true }) });
      pending.d.enqueue(call('x'));
      pending.life.leave();
      expect(storage.data.get(storedOwnerKey('wk'))).toBe(UNIDENTIFIED);
      // A user recorded already stays recorded: the next load tells them from anyone else as before.
      storage.data.set(storedOwnerKey('wk'), 'alice');
      withStore(storage, { userId: new Promise(() => {}), storedOwner: createStoredOwner(storage, 'wk', { identifiesUsers: true }) }).life.leave();
      expect(storage.data.get(storedOwnerKey('wk'))).toBe('alice');
    });

    it('what the transport holds only in memory (the batcher) is stored on pagehide (cached for the back button too), not when hidden', async () => {
      const storage = memoryStorage();
      const { transport } = recordingTransport();
      const held = [{ messageId: 'held-1', owner: 'u', call: call('in-the-batcher') }];
      transport.heldInMemory = () => held;
      const page = withStore(storage, { transport: Promise.resolve(transport), userId: Promise.resolve('u') });
      await advance(10);
      page.d.enqueue(call('queued'));
      page.life.leave({ final: false }); // hidden: the page may come back, and the batcher with it
      expect(stored(storage).map(s => s.call.properties.subject)).toEqual(['queued']);
      page.life.leave({ final: false, pageHide: true }); // kept in the back/forward cache, which may drop it
      expect(stored(storage).map(s => [s.messageId, s.owner, s.call.properties.subject])).toEqual([
        ['held-1', 'u', 'in-the-batcher'],
        ['id-1', 'u', 'queued'],
      ]);

      // The next load sends it, with its messageId, for its user.
      const next = recordingTransport();
      withStore(storage, { transport: Promise.resolve(next.transport), userId: Promise.resolve('u') });
      await advance(100);
      expect(next.sent).toEqual(['identify u', 'click in-the-batcher as u', 'click queued as u']);
      expect(next.options[0].messageId).toBe('held-1');
    });

    it("stores calls of a pending identity with a fresh anonymous id when the library's stored user is someone's, without a record", async () => {
      const storage = memoryStorage();
      // The public plugin's Alice (or a session of this module whose record a full localStorage refused).
      storage.setItem('ajs_user_id', JSON.stringify('alice'));
      storage.setItem('ajs_anonymous_id', JSON.stringify('anonymous-id-of-alice'));
      const pending = withStore(storage, { userId: new Promise(() => {}) });
      pending.d.enqueue(call('x'));
      pending.life.leave();
      const [kept] = stored(storage);
      expect(kept.owner).toBeNull();
      expect(kept.anonymousId).toEqual(expect.any(String));
      expect(kept.anonymousId).not.toBe('anonymous-id-of-alice');
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
