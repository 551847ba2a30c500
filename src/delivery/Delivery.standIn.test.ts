import { clickCall, drivenLifecycle, recordFetchBodies } from '../__testUtils__/deliveryTestKit';
import { deferred } from '../__testUtils__/deferred';
import { loadPageTransport } from '../__testUtils__/transportKit';
import { Delivery } from './Delivery';
import { callStoreKey, createCallStore } from './callStore';
import { createStoredOwner } from './storedOwner';
import { forgetBrowserData } from '../consent/forgetBrowserData';

// Page loads of one browser, the real library in jsdom (`fetch` answered and recorded): a load whose identity
// never answers while an earlier user's is stored sends with a stand-in anonymous id (`sessionStart.ts`). The
// calls it stores as it is left are the same events: they carry that id too, whichever load sends them.

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const WRITE_KEY = 'stand-in';
let posted: Array<Record<string, any>>;

beforeEach(() => {
  jest.useFakeTimers();
  localStorage.clear();
  posted = recordFetchBodies();
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
  localStorage.clear();
  for (const name of ['ajs_anonymous_id', 'ajs_user_id', 'ajs_group_id']) document.cookie = `${name}=; max-age=0; path=/`;
});

/** One load of the app; `userId`: its identity's answer (never: a user still on the sign-in page). */
function pageLoad(userId: Promise<string>, identityTimeoutMs = 50) {
  const life = drivenLifecycle();
  const logger = { warn: jest.fn(), info: jest.fn() };
  const delivery = new Delivery({
    transport: loadPageTransport(WRITE_KEY),
    userId,
    identityTimeoutMs,
    logger,
    store: createCallStore({ storage: localStorage, writeKey: WRITE_KEY, now: () => Date.now(), logger, pageId: `page-${Math.random()}` }),
    storedOwner: createStoredOwner(localStorage, WRITE_KEY, { identifiesUsers: true }),
    onPageLeave: life.onPageLeave,
  });
  return { delivery, life };
}

const sentAbout = (prefix: string) => posted.filter(p => String(p.properties?.subject).startsWith(prefix));
const storedCalls = () =>
  Object.keys(localStorage)
    .filter(key => key.startsWith(callStoreKey(WRITE_KEY)))
    .flatMap(key => JSON.parse(localStorage.getItem(key)!).calls as Array<{ messageId: string; anonymousId?: string }>);

/** Alice's load sends a click; then a tab whose identity never answers sends one with its stand-in anonymous id. */
async function aliceThenStandIn() {
  const alice = pageLoad(Promise.resolve(ALICE));
  alice.delivery.enqueue(clickCall('alice'));
  await jest.advanceTimersByTimeAsync(300);
  const aliceAnonymousId = sentAbout('alice')[0].anonymousId;
  const waiting = pageLoad(new Promise<string>(() => {}));
  waiting.delivery.enqueue(clickCall('on the sign-in page'));
  await jest.advanceTimersByTimeAsync(300);
  return { aliceAnonymousId, waiting, standIn: sentAbout('on the sign-in page')[0].anonymousId as string };
}

it('calls stored as a stand-in session is left carry its anonymous id, as sent, and the next load sends them with it', async () => {
  const { aliceAnonymousId, waiting, standIn } = await aliceThenStandIn();
  expect(standIn).not.toBe(aliceAnonymousId);
  // Captured after the time-out, the identity may still come: they wait again, and the page is left meanwhile.
  for (let i = 0; i < 3; i++) waiting.delivery.enqueue(clickCall(`leaving-${i}`));
  waiting.life.leave();
  await jest.advanceTimersByTimeAsync(300);
  const sent = sentAbout('leaving-');
  expect(sent.map(p => p.anonymousId)).toEqual([standIn, standIn, standIn]);
  const stored = storedCalls().filter(call => sent.some(p => p.messageId === call.messageId));
  expect(stored.length).toBeGreaterThanOrEqual(3);
  expect(new Set(stored.map(call => call.anonymousId))).toEqual(new Set([standIn]));

  posted.length = 0;
  const next = pageLoad(new Promise<string>(() => {}));
  next.delivery.enqueue(clickCall('next load'));
  await jest.advanceTimersByTimeAsync(400);
  expect(sentAbout('leaving-').map(p => [p.messageId, p.anonymousId])).toEqual(sent.map(p => [p.messageId, standIn]));
  expect(sentAbout('next load')[0].anonymousId).toBe(standIn);
});

it("calls stored by a tab left before its user was known carry the browser's id of then: someone signing in meanwhile in another tab is never sent them under theirs", async () => {
  // A browser that records no one yet. Bob's tab waits for his identity (the sign-in page, a slow identity call).
  const bobsId = deferred<string>();
  const bobsTab = pageLoad(bobsId.promise, 60_000);
  // Another tab is used and left before its identity answers: its calls are kept for the next load.
  const other = pageLoad(new Promise<string>(() => {}), 60_000);
  await jest.advanceTimersByTimeAsync(100);
  other.delivery.enqueue(clickCall('anonymous tab'));
  other.life.leave();
  await jest.advanceTimersByTimeAsync(100);
  const kept = [...new Set(storedCalls().map(call => call.messageId))];
  expect(kept).toHaveLength(1);
  // Bob signs in, then comes back later: his next load sends what the other tab kept.
  bobsId.resolve(BOB);
  bobsTab.delivery.enqueue(clickCall('bob'));
  await jest.advanceTimersByTimeAsync(300);
  const bob = sentAbout('bob')[0].anonymousId;
  const bobsNextLoad = pageLoad(Promise.resolve(BOB));
  bobsNextLoad.delivery.enqueue(clickCall('bob again'));
  await jest.advanceTimersByTimeAsync(400);
  expect(sentAbout('bob again')[0].anonymousId).toBe(bob);
  const anonymous = sentAbout('anonymous tab');
  expect(anonymous.map(p => [p.messageId, p.userId ?? null])).toEqual([[kept[0], null]]);
  expect(anonymous[0].anonymousId).not.toBe(bob);
});

it('a "no" said in another tab while a stand-in tab waits: what that tab keeps, and what the browser holds after it, never carry the previous user\'s id', async () => {
  const { aliceAnonymousId, waiting, standIn } = await aliceThenStandIn();
  waiting.delivery.enqueue(clickCall('kept'));
  await jest.advanceTimersByTimeAsync(10);
  // Someone whose stored choice is "no" signs in in another tab: what analytics keeps in the browser is removed.
  forgetBrowserData(WRITE_KEY, [], { localStorage, document, hostname: window.location.hostname });
  waiting.life.leave();
  const stored = storedCalls().filter(call => !sentAbout('on the sign-in page').some(p => p.messageId === call.messageId));
  expect(stored.length).toBeGreaterThanOrEqual(1);
  expect(new Set(stored.map(call => call.anonymousId))).toEqual(new Set([standIn]));
  expect(localStorage.getItem('ajs_anonymous_id') ?? '').not.toContain(aliceAnonymousId);
  await jest.advanceTimersByTimeAsync(300);
  const kept = sentAbout('kept');
  expect(kept.map(p => [p.messageId, p.anonymousId])).toEqual([[stored[0].messageId, standIn]]);

  // The next load whose user is not known yet: anonymous, and never as Alice.
  const next = pageLoad(new Promise<string>(() => {}));
  next.delivery.enqueue(clickCall('next load'));
  await jest.advanceTimersByTimeAsync(500);
  expect(sentAbout('kept').map(p => [p.messageId, p.anonymousId])).toEqual(sentAbout('kept').map(() => [kept[0].messageId, standIn]));
  expect(sentAbout('next load')[0].anonymousId).not.toBe(aliceAnonymousId);
});
