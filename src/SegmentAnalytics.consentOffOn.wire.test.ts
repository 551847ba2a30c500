import { MockStorageApi } from '@backstage/test-utils';
import { advanceUntil } from './__testUtils__/fakeTime';
import { CollectedMessage } from './__testUtils__/loopbackCollector';
import { setupWireCollector, userIdentity } from './__testUtils__/wireTest';
import { clearCookies, clickOn, consentOf, keptForNextLoad, tracksRefused, trackSubjects } from './__testUtils__/consentWire';

// The real library, sending real HTTP to the embedded collector: a "no"
// followed by a "yes" in the same page, while the library of the first
// session still holds an event for a retry.

const wire = setupWireCollector('consent-off-on');

afterEach(clearCookies);

describe('switched off and on again while the first session\'s library holds an event for a retry', () => {
  it.each([
    ['the page left', false],
    ['the page left while another tab holds the lock of the library\'s queue (it stores its queue later)', true],
  ])('%s: the event said before the "no" is not kept for the next load; what the new session holds is', async (_, locked) => {
    const storageApi = MockStorageApi.create();
    const { analytics, waitFor, writeKey } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
    clickOn(analytics, 'before');
    await waitFor(m => trackSubjects(m).includes('before')); // the library is loaded
    const network = tracksRefused();
    try {
      clickOn(analytics, 'said-before-no');
      await advanceUntil(() => expect(network.refused('said-before-no')).toBe(true));
      await consentOf(storageApi).setDecision('denied');
      await consentOf(storageApi).setDecision('granted'); // before the first session's retry
      clickOn(analytics, 'after-yes');
      await advanceUntil(() => expect(network.refused('after-yes')).toBe(true));
      if (locked) localStorage.setItem(`persisted-queue:v1:${writeKey}:dest-Segment.io:lock`, JSON.stringify(Date.now() + 60));
      window.dispatchEvent(new Event('pagehide')); // where each library stores what its queue still holds
      await jest.advanceTimersByTimeAsync(300); // the page lives on (kept in the back/forward cache): the locked queue is stored
      expect(keptForNextLoad(writeKey)).toEqual(['after-yes']);
    } finally {
      network.restore();
    }
  });
});

describe('a library still loading when the user switches off, arriving after the new session\'s', () => {
  it.each([
    ['standard delivery', {}],
    ['batching', { batching: { size: 20, timeoutMs: 2000 } }],
  ])('%s: the new session\'s retries are kept for the next load as the page is left', async (_, segment) => {
    const storageApi = MockStorageApi.create();
    const realFetch = globalThis.fetch;
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>(resolve => (releaseFirst = resolve));
    let settingsCalls = 0;
    let down = false;
    const failed: string[] = [];
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      if (url.includes('/settings') && ++settingsCalls === 1) await firstHeld; // the first library's settings, held back
      if (down && /\/(t|b|batch)$/.test(url)) {
        failed.push(String(init?.body));
        throw new TypeError('Failed to fetch');
      }
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      const { analytics, writeKey } = wire.create(segment, { storageApi, identityApi: userIdentity('user:default/jane') });
      clickOn(analytics, 'before');
      await advanceUntil(() => expect(settingsCalls).toBe(1));
      await consentOf(storageApi).setDecision('denied');
      await consentOf(storageApi).setDecision('granted');
      await advanceUntil(() => expect(settingsCalls).toBe(2));
      down = true;
      clickOn(analytics, 'after-yes');
      await advanceUntil(() => expect(failed.some(body => body.includes('after-yes'))).toBe(true));
      releaseFirst(); // the first library arrives, and is cut at once
      await jest.advanceTimersByTimeAsync(2000);
      window.dispatchEvent(new Event('pagehide'));
      const kept = [
        ...keptForNextLoad(writeKey),
        ...Object.keys(localStorage)
          .filter(key => key.startsWith(`backstage-segment:${writeKey}:pending`))
          .flatMap(key => (localStorage.getItem(key)!.includes('after-yes') ? ['after-yes'] : [])),
      ];
      expect(kept).toContain('after-yes');
      expect(kept).not.toContain('before');
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});

describe('another tab closed at the moment of the "no" (it stores its queue and ids as it goes, after the "no")', () => {
  it.each([
    ['switched on again 3 s later', 3000],
    ['switched on again half a second later', 500],
  ])('%s: what it stored is not sent, and the new session has a fresh anonymous id', async (_, onAfterMs) => {
    const storageApi = MockStorageApi.create();
    const { analytics, waitFor, writeKey } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
    clickOn(analytics, 'before');
    const first = await waitFor(m => trackSubjects(m).includes('before'));
    const oldId = first.find(m => m.type === 'track')!.anonymousId;
    const network = tracksRefused();
    let leftBehind: [string, string][] = [];
    let cookies: string[] = [];
    try {
      clickOn(analytics, 'held-in-the-closing-tab');
      await advanceUntil(() => expect(network.refused('held-in-the-closing-tab')).toBe(true));
      // What the closing tab's pagehide writes (its library's queue, the ids), as this page's own would.
      window.dispatchEvent(new Event('pagehide'));
      await jest.advanceTimersByTimeAsync(300);
      leftBehind = Object.keys(localStorage).map(key => [key, localStorage.getItem(key)!]);
      cookies = document.cookie.split(';').map(c => c.trim()).filter(Boolean);
      expect(keptForNextLoad(writeKey)).toEqual(['held-in-the-closing-tab']);
    } finally {
      network.restore();
    }
    await consentOf(storageApi).setDecision('denied');
    // The closing tab's writes land just after the "no" (it never learns of it).
    for (const [key, value] of leftBehind) localStorage.setItem(key, value);
    for (const cookie of cookies) document.cookie = `${cookie}; path=/`;
    await jest.advanceTimersByTimeAsync(onAfterMs);
    await consentOf(storageApi).setDecision('granted');
    clickOn(analytics, 'after-yes');
    const all = await waitFor(m => trackSubjects(m).includes('after-yes'));
    await jest.advanceTimersByTimeAsync(10_000);
    const sent = (await wire.collector.messages()).filter(m => m.writeKey === writeKey);
    expect(trackSubjects(sent)).toEqual(['before', 'after-yes']);
    const after = all.find(m => m.properties?.subject === 'after-yes')!;
    expect(after.anonymousId).toEqual(expect.any(String));
    expect(after.anonymousId).not.toBe(oldId);
  });
});

describe('a "yes" after a "no" in the same page', () => {
  const anonymousIdOf = (messages: CollectedMessage[], subject: string) => messages.find(m => m.properties?.subject === subject)?.anonymousId;

  it.each([
    ['an app without an identity API', false],
    ['a signed-in user', true],
  ])('%s: an instance made after it goes on with the fresh anonymous id the "yes" began with, and so does the first', async (_label, signedIn) => {
    const storageApi = MockStorageApi.create();
    const options = signedIn ? { storageApi, identityApi: userIdentity('user:default/jane') } : { storageApi };
    const first = wire.create({}, options);
    clickOn(first.analytics, 'before');
    await first.waitFor(m => trackSubjects(m).includes('before'));
    await consentOf(storageApi).setDecision('denied');
    await jest.advanceTimersByTimeAsync(5000);
    await consentOf(storageApi).setDecision('granted');
    clickOn(first.analytics, 'after');
    const fresh = anonymousIdOf(await first.waitFor(m => trackSubjects(m).includes('after')), 'after');
    const second = wire.create({}, options);
    clickOn(second.analytics, 'second');
    const fromSecond = await second.waitFor(m => trackSubjects(m).includes('second'));
    clickOn(first.analytics, 'later');
    const fromFirst = await first.waitFor(m => trackSubjects(m).includes('later'));
    expect({ second: anonymousIdOf(fromSecond, 'second'), later: anonymousIdOf(fromFirst, 'later') }).toEqual({ second: fresh, later: fresh });
  });

  it("agent.disableCookies: the \"yes\" leaves the identity cookies another Segment instance on the domain wrote, and does not take their id", async () => {
    const storageApi = MockStorageApi.create();
    const { analytics, waitFor } = wire.create({ agent: { disableCookies: true } }, { storageApi, identityApi: userIdentity('user:default/jane') });
    clickOn(analytics, 'before');
    await waitFor(m => trackSubjects(m).includes('before'));
    await consentOf(storageApi).setDecision('denied');
    await jest.advanceTimersByTimeAsync(5000);
    document.cookie = `ajs_anonymous_id=${encodeURIComponent(JSON.stringify('other-site-anonymous-id'))}; path=/`;
    await consentOf(storageApi).setDecision('granted');
    clickOn(analytics, 'after');
    const messages = await waitFor(m => trackSubjects(m).includes('after'));
    expect(document.cookie).toContain('ajs_anonymous_id=');
    expect(anonymousIdOf(messages, 'after')).not.toBe('other-site-anonymous-id');
  });
});
