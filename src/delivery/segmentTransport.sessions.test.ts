import { clickCall, recordFetchBodies } from '../__testUtils__/deliveryTestKit';
import { loadPageTransport } from '../__testUtils__/transportKit';
import { UNIDENTIFIED } from './storedOwner';

// Sessions one page load after another in one browser, with the real library in jsdom (`fetch` recorded):
// which anonymous id each load's events carry.

let posted: Array<Record<string, any>>;
beforeEach(() => {
  localStorage.clear();
  posted = recordFetchBodies();
});
afterEach(() => {
  jest.restoreAllMocks();
  localStorage.clear();
  for (const name of ['ajs_anonymous_id', 'ajs_user_id', 'ajs_group_id']) document.cookie = `${name}=; max-age=0; path=/`;
});


/** One page load of an app that identifies its users (an identity API); its session starts as `userId`. */
async function pageLoad(userId: string | undefined, subject: string) {
  const transport = await loadPageTransport('sessions');
  transport.startSession(userId, new Date());
  await transport.send(clickCall(subject), { userId });
  return posted.find(p => p.properties?.subject === subject)!.anonymousId as string;
}

describe('sessions, load after load', () => {
  it('unidentified on every load (the identity failing): one anonymous id throughout, not a new visitor each time', async () => {
    const first = await pageLoad(undefined, 'first');
    expect(localStorage.getItem('backstage-segment:sessions:user')).toBe(UNIDENTIFIED);
    expect(await pageLoad(undefined, 'second')).toBe(first);
    expect(await pageLoad(undefined, 'third')).toBe(first);
  });

  it("unidentified, then someone signs in: a fresh anonymous id, never the unidentified session's", async () => {
    const unidentified = await pageLoad(undefined, 'unidentified');
    const bob = await pageLoad('user:default/bob', 'bob');
    expect(bob).not.toBe(unidentified);
    expect(await pageLoad('user:default/bob', 'bob again')).toBe(bob);
  });

  it("another app on the cookie domain identified someone else since this origin's last load: a fresh anonymous id, never theirs", async () => {
    const jane = await pageLoad('user:default/jane', 'jane');
    // This origin's localStorage still says Jane; the cookies, shared by the domain, were written since, for Bob.
    document.cookie = 'ajs_user_id=bob@corp.example; path=/';
    document.cookie = 'ajs_anonymous_id=bobs-anonymous-id; path=/';
    const again = await pageLoad('user:default/jane', 'jane again');
    expect([jane, 'bobs-anonymous-id']).not.toContain(again);
    // The browser holds Jane's identity again: her next load keeps it.
    expect(await pageLoad('user:default/jane', 'jane once more')).toBe(again);
  });
});

describe('two tabs at once in a browser that records no one yet', () => {
  it("a tab whose identity failed, while another waits for its user: that user starts with a fresh id, never the anonymous tab's", async () => {
    // Bob's tab loads first and waits for his identity (the sign-in page, a slow identity call)
    const bobsTab = await loadPageTransport('sessions');
    // Another tab's identity fails meanwhile: its calls go out anonymous
    const otherTab = await loadPageTransport('sessions');
    otherTab.startSession(undefined, new Date());
    await otherTab.send(clickCall('anonymous'), { userId: undefined });
    const anonymous = posted.find(p => p.properties?.subject === 'anonymous')!.anonymousId;
    // Bob signs in
    bobsTab.startSession('user:default/bob', new Date());
    await bobsTab.send(clickCall('bob'), { userId: 'user:default/bob' });
    const bob = posted.find(p => p.properties?.subject === 'bob')!;
    expect(bob.anonymousId).not.toBe(anonymous);
    expect(posted.find(p => p.type === 'identify')!.anonymousId).toBe(bob.anonymousId);
  });

  const anonymousIdOf = (subject: string) => posted.find(p => p.properties?.subject === subject)!.anonymousId as string;

  it("Alice's identity stored; a tab waits while Bob signs in in another: the waiting tab's Bob goes on with Bob's id, never Alice's", async () => {
    const alice = await pageLoad('user:default/alice', 'alice');
    const waiting = await loadPageTransport('sessions');
    const bob = await pageLoad('user:default/bob', 'bob in another tab');
    expect(bob).not.toBe(alice);
    waiting.startSession('user:default/bob', new Date());
    await waiting.send(clickCall('bob in the waiting tab'), { userId: 'user:default/bob' });
    expect(anonymousIdOf('bob in the waiting tab')).toBe(bob);
    expect(await pageLoad('user:default/bob', 'bob next load')).toBe(bob);
  });

  it("Alice's identity stored; a tab waits while Bob signs in in another, then it turns out Alice's: she keeps her id", async () => {
    const alice = await pageLoad('user:default/alice', 'alice');
    const waiting = await loadPageTransport('sessions');
    await pageLoad('user:default/bob', 'bob in another tab');
    waiting.startSession('user:default/alice', new Date());
    await waiting.send(clickCall('alice in the waiting tab'), { userId: 'user:default/alice' });
    expect(anonymousIdOf('alice in the waiting tab')).toBe(alice);
  });

  it("a tab waits for Bob; another tab's identity fails; Bob signs in in a third: the waiting tab goes on with his id, never the anonymous tab's", async () => {
    const waiting = await loadPageTransport('sessions');
    const anonymous = await pageLoad(undefined, 'anonymous tab');
    const bob = await pageLoad('user:default/bob', 'bob in a third tab');
    expect(bob).not.toBe(anonymous);
    waiting.startSession('user:default/bob', new Date());
    await waiting.send(clickCall('bob in the waiting tab'), { userId: 'user:default/bob' });
    expect(anonymousIdOf('bob in the waiting tab')).toBe(bob);
  });

  it("agent.disableCookies: another site on the cookie domain identifying someone while a tab waits changes nothing here (its cookie is not this origin's)", async () => {
    const segment = { agent: { disableCookies: true } };
    const aliceFirst = await loadPageTransport('sessions', { segment });
    aliceFirst.startSession('user:default/alice', new Date());
    await aliceFirst.send(clickCall('alice'), { userId: 'user:default/alice' });
    const waiting = await loadPageTransport('sessions', { segment });
    document.cookie = 'ajs_user_id=visitor-42; path=/';
    document.cookie = 'ajs_anonymous_id=the-other-sites-id; path=/';
    waiting.startSession('user:default/alice', new Date());
    await waiting.send(clickCall('alice again'), { userId: 'user:default/alice' });
    expect(anonymousIdOf('alice again')).toBe(anonymousIdOf('alice'));
  });

  it('two tabs of one user: both go on with one anonymous id', async () => {
    const first = await loadPageTransport('sessions');
    const second = await loadPageTransport('sessions');
    first.startSession('user:default/bob', new Date());
    await first.send(clickCall('first'), { userId: 'user:default/bob' });
    second.startSession('user:default/bob', new Date());
    await second.send(clickCall('second'), { userId: 'user:default/bob' });
    const ids = ['first', 'second'].map(subject => posted.find(p => p.properties?.subject === subject)!.anonymousId);
    expect(ids[1]).toBe(ids[0]);
  });
});

describe('a call sent with an anonymous id of its own (restored from an earlier load)', () => {
  it("carries that id; the user's next calls keep the browser's id, not that one", async () => {
    const transport = await loadPageTransport('sessions');
    transport.startSession('user:default/bob', new Date());
    await transport.send(clickCall('before'), { userId: 'user:default/bob' });
    await transport.send(clickCall('restored'), { userId: undefined, anonymousId: 'restored-anon-id' });
    await transport.send(clickCall('after'), { userId: 'user:default/bob' });
    const anonymousIdOf = (subject: string) => posted.find(p => p.properties?.subject === subject)!.anonymousId;
    expect(anonymousIdOf('restored')).toBe('restored-anon-id');
    expect(anonymousIdOf('after')).toBe(anonymousIdOf('before'));
    expect(anonymousIdOf('before')).not.toBe('restored-anon-id');
  });
});

describe('an identity later than its time-out (a user on the sign-in page): an anonymous session first', () => {
  const ALICE = 'user:default/alice';
  const BOB = 'user:default/bob';

  /** A load whose identity comes only after the time-out: an anonymous session first, its click, then `signIn`'s. */
  async function lateLoad(signIn: string | undefined, { hiddenMeanwhile = false } = {}) {
    const transport = await loadPageTransport('sessions');
    transport.startSession(undefined, new Date());
    await transport.send(clickCall('on the sign-in page'), { userId: undefined });
    if (hiddenMeanwhile) transport.leaving?.(false);
    if (signIn) {
      transport.startSession(signIn, new Date());
      await transport.send(clickCall('signed in'), { userId: signIn });
    }
    const anonymousIdOf = (subject: string) => posted.filter(p => p.properties?.subject === subject).at(-1)?.anonymousId as string;
    return { waiting: anonymousIdOf('on the sign-in page'), signedIn: anonymousIdOf('signed in'), identified: posted.filter(p => p.type === 'identify').at(-1) };
  }

  it('the stored user signing in keeps their anonymous id; the calls before carry one of their own, never the stored user', async () => {
    const alice = await pageLoad(ALICE, 'alice');
    const late = await lateLoad(ALICE);
    expect(late.waiting).not.toBe(alice);
    expect(late.signedIn).toBe(alice);
    expect(late.identified).toMatchObject({ userId: ALICE, anonymousId: alice });
    expect(posted.find(p => p.properties?.subject === 'on the sign-in page')!.userId ?? null).toBeNull();
    expect(await pageLoad(ALICE, 'alice again')).toBe(alice);
  });

  it('another user signing in goes on with the anonymous id of the calls before, never the stored one', async () => {
    const alice = await pageLoad(ALICE, 'alice');
    const late = await lateLoad(BOB);
    expect(late.waiting).not.toBe(alice);
    expect(late.signedIn).toBe(late.waiting);
    expect(await pageLoad(BOB, 'bob again')).toBe(late.waiting);
  });

  it('hidden while still waiting, then the stored user signs in: their own anonymous id back, kept for the next load', async () => {
    const alice = await pageLoad(ALICE, 'alice');
    const late = await lateLoad(ALICE, { hiddenMeanwhile: true });
    expect(late.waiting).not.toBe(alice);
    expect(late.signedIn).toBe(alice);
    expect(await pageLoad(ALICE, 'alice again')).toBe(alice);
  });

  it('left while still waiting, the identity failing on the loads after: one anonymous id for all of them; the stored user keeps their own', async () => {
    const alice = await pageLoad(ALICE, 'alice');
    const late = await lateLoad(undefined, { hiddenMeanwhile: true });
    expect(late.waiting).not.toBe(alice);
    expect(await pageLoad(undefined, 'failing again')).toBe(late.waiting);
    expect(await pageLoad(undefined, 'and again')).toBe(late.waiting);
    expect(await pageLoad(ALICE, 'alice later')).toBe(alice);
    // Someone signed in after it: the next anonymous session has an id of its own.
    expect([alice, late.waiting]).not.toContain(await pageLoad(undefined, 'anonymous later'));
  });

  it("another user signing in after loads that kept one anonymous id (a failing identity): a fresh id, never those loads'", async () => {
    const alice = await pageLoad(ALICE, 'alice');
    const failing = await pageLoad(undefined, 'failing');
    expect(await pageLoad(undefined, 'failing again')).toBe(failing);
    const late = await lateLoad(BOB);
    expect(late.waiting).toBe(failing);
    expect([alice, failing]).not.toContain(late.signedIn);
  });

  it("someone signing in late after loads recorded as someone unidentified (no user stored before): a fresh id, never those loads'", async () => {
    const unidentified = await pageLoad(undefined, 'unidentified');
    expect(await pageLoad(undefined, 'unidentified again')).toBe(unidentified);
    const late = await lateLoad(BOB);
    expect(late.waiting).toBe(unidentified);
    expect(late.signedIn).not.toBe(unidentified);
    expect(late.identified).toMatchObject({ userId: BOB, anonymousId: late.signedIn });
    expect(await pageLoad(BOB, 'bob again')).toBe(late.signedIn);
  });

  it('the first load ever, its identity late: the user signing in goes on with the anonymous id of the calls before (this page made it)', async () => {
    const late = await lateLoad(BOB);
    expect(late.signedIn).toBe(late.waiting);
    expect(await pageLoad(BOB, 'bob again')).toBe(late.waiting);
  });

  it('an id kept for another stored user than the one stored now is not used again', async () => {
    const alice = await pageLoad(ALICE, 'alice');
    localStorage.setItem('backstage-segment:sessions:stand-in', JSON.stringify({ user: BOB, anonymousId: 'kept-for-bob' }));
    const late = await lateLoad(undefined);
    expect([alice, 'kept-for-bob']).not.toContain(late.waiting);
    expect(late.waiting).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('another tab signed in as someone else meanwhile: a tab left on the sign-in page does not overwrite it when it goes', async () => {
    await pageLoad(ALICE, 'alice');
    const waitingTab = await loadPageTransport('sessions');
    waitingTab.startSession(undefined, new Date());
    await waitingTab.send(clickCall('waiting tab'), { userId: undefined });
    const bob = await pageLoad(BOB, 'bob in another tab');
    waitingTab.leaving?.(true);
    expect(await pageLoad(BOB, 'bob again')).toBe(bob);
  });
});
