import { ConfigReader } from '@backstage/config';
import { StorageApi } from '@backstage/core-plugin-api';
import { MockStorageApi } from '@backstage/test-utils';
import { SegmentConsent } from './consent/SegmentConsent';
import { SegmentAnalytics } from './SegmentAnalytics';
import { CollectedMessage } from './__testUtils__/loopbackCollector';
import { setupWireCollector, userIdentity } from './__testUtils__/wireTest';

// The real library, sending real HTTP to the embedded collector: which "yes"
// starts a fresh anonymous id (the user's own, switching analytics on) and
// which keeps the one the browser holds (a "yes" restated).

const wire = setupWireCollector('consent-fresh-id');
const context = { routeRef: 'r', pluginId: 'p', extension: 'e' };
const click = (analytics: SegmentAnalytics, subject: string) => analytics.captureEvent({ action: 'click', subject, context });
const subjects = (messages: CollectedMessage[]) => messages.filter(m => m.type === 'track').map(m => m.properties.subject);
const consentOf = (storageApi: StorageApi) => SegmentConsent.fromConfig(new ConfigReader({ app: { analytics: { segment: {} } } }), { storageApi });

afterEach(() => {
  for (const c of document.cookie.split(';')) document.cookie = `${c.split('=')[0].trim()}=; max-age=0; path=/`;
  localStorage.clear();
});

describe('another Segment instance on the site (a snippet, an app on the same cookie domain) writes back the ids the "no" removed', () => {
  /**
   * What that instance writes at its next call: the ids it holds in memory,
   * as the library stores them; read from the shared cookies, they are this
   * module's own (its user id, when that instance had read it too).
   */
  function writtenBack(anonymousId: string, userId?: string) {
    document.cookie = `ajs_anonymous_id=${encodeURIComponent(JSON.stringify(anonymousId))}; path=/`;
    localStorage.setItem('ajs_anonymous_id', JSON.stringify(anonymousId));
    if (!userId) return;
    document.cookie = `ajs_user_id=${encodeURIComponent(JSON.stringify(userId))}; path=/`;
    localStorage.setItem('ajs_user_id', JSON.stringify(userId));
  }
  const identifies = (messages: CollectedMessage[]) => messages.filter(m => m.type === 'identify');

  it.each([
    ['the anonymous id', undefined],
    ['the anonymous id and the user id (read from the shared cookie before)', 'user:default/jane'],
  ])('the user switches on again in the same page (%s written back): the new session has a fresh anonymous id', async (_, userId) => {
    const storageApi = MockStorageApi.create();
    const { analytics, waitFor, writeKey } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
    click(analytics, 'before');
    const first = await waitFor(m => subjects(m).includes('before'));
    const oldId = first.find(m => m.type === 'track')!.anonymousId;
    await consentOf(storageApi).setDecision('denied');
    await jest.advanceTimersByTimeAsync(5000); // past the page's second removal
    writtenBack(oldId, userId);
    await consentOf(storageApi).setDecision('granted');
    click(analytics, 'after-yes');
    const since = (m: CollectedMessage[]) => m.filter(x => x.writeKey === writeKey && x.timestamp > first[first.length - 1].timestamp);
    // Each call is a request of its own (they may arrive in any order): wait for the new session's identify too.
    const all = await waitFor(m => subjects(m).includes('after-yes') && identifies(since(m)).length > 0);
    const after = since(all);
    const [identify] = identifies(after);
    expect(identify).toBeDefined();
    for (const message of [identify, after.find(m => m.properties?.subject === 'after-yes')!]) {
      expect(message.anonymousId).toEqual(expect.any(String));
      expect(message.anonymousId).not.toBe(oldId);
    }
  });

  it.each([
    ['the anonymous id', undefined],
    ['the anonymous id and the user id', 'user:default/jane'],
  ])('a later load where the user switches on (%s written back): a fresh anonymous id, not the one written back', async (_, userId) => {
    const oldId = 'b8ac9524-0000-4000-8000-000000000001';
    const storageApi = MockStorageApi.create();
    // Stored by the load where the user said no (not this page's decision).
    await storageApi.forBucket('segment-analytics').set('consent', { decision: 'denied', decidedAt: new Date(Date.now() - 60_000).toISOString() });
    const { analytics, waitFor } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
    click(analytics, 'while-off');
    await jest.advanceTimersByTimeAsync(2000);
    writtenBack(oldId, userId); // after this load's removal (the analytics off), at the other instance's next call
    await consentOf(storageApi).setDecision('granted');
    click(analytics, 'after-yes');
    // Each call is a request of its own (they may arrive in any order): wait for the identify too.
    const all = await waitFor(m => subjects(m).includes('after-yes') && identifies(m).length > 0);
    expect(subjects(all)).toEqual(['after-yes']);
    for (const message of [identifies(all)[0], all.find(m => m.properties?.subject === 'after-yes')!]) {
      expect(message.anonymousId).toEqual(expect.any(String));
      expect(message.anonymousId).not.toBe(oldId);
    }
  });

  it.each([
    ['once', 1],
    ['twice (a banner\'s plain "yes", then one with categories)', 2],
  ])('a "yes" right at load, before the choice\'s code has read the stored "no", said %s: a fresh anonymous id', async (_, times) => {
    const oldId = 'b8ac9524-0000-4000-8000-000000000002';
    const storageApi = MockStorageApi.create();
    await storageApi.forBucket('segment-analytics').set('consent', { decision: 'denied', decidedAt: new Date(Date.now() - 60_000).toISOString() });
    writtenBack(oldId);
    const { analytics, waitFor } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
    const saved = consentOf(storageApi).setDecision('granted'); // a consent banner's, as the app starts
    if (times === 2) await consentOf(storageApi).setDecision('granted', { categoryPreferences: { Analytics: true } });
    await saved;
    click(analytics, 'after-yes');
    const all = await waitFor(m => subjects(m).includes('after-yes'));
    const ids = new Set(all.map(m => m.anonymousId));
    expect(ids.size).toBe(1);
    expect(ids).not.toContain(oldId);
  });
});

describe('a "yes" that switches nothing on (a consent banner restating it as the app starts): the kept anonymous id goes on', () => {
  const keptId = 'c0ffee00-0000-4000-8000-00000000000a';
  it.each([
    ['a stored "yes", restated as the page starts', true, false],
    ['opt-out, nothing stored (on by default), a "yes" as the page starts', false, false],
    ['a stored "yes", restated with categories once the choice was read', true, true],
  ])('%s', async (_, storedYes, late) => {
    const storageApi = MockStorageApi.create();
    if (storedYes) {
      await storageApi.forBucket('segment-analytics').set('consent', { decision: 'granted', decidedAt: new Date(Date.now() - 60_000).toISOString() });
    }
    localStorage.setItem('ajs_anonymous_id', JSON.stringify(keptId)); // an earlier load's
    const { analytics, waitFor } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
    if (late) {
      click(analytics, 'before');
      await waitFor(m => subjects(m).includes('before'));
      await consentOf(storageApi).setDecision('granted', { categoryPreferences: { Analytics: true } });
    } else void consentOf(storageApi).setDecision('granted');
    click(analytics, 'after');
    const all = await waitFor(m => subjects(m).includes('after'));
    expect([...new Set(all.map(m => m.anonymousId))]).toEqual([keptId]);
  });
});

describe('opt-in, a StorageApi that tells only the tab that saved (the user-settings backend without signals)', () => {
  /** One store of the user's choice, a StorageApi per tab: the snapshot never knows; only the saving tab is told. */
  function tabsOfOneStore() {
    let value: unknown;
    const snapshot = () => (value === undefined ? { key: 'consent', presence: 'absent' } : { key: 'consent', presence: 'present', value });
    return (): StorageApi => {
      const told = new Set<(s: unknown) => void>();
      const bucket = {
        snapshot: () => ({ key: 'consent', presence: 'unknown' }),
        set: async (_: string, v: unknown) => {
          value = JSON.parse(JSON.stringify(v));
          told.forEach(next => next(snapshot()));
        },
        observe$: () => ({
          subscribe: (observer: { next(s: unknown): void }) => {
            told.add(observer.next);
            setTimeout(() => observer.next(snapshot()), 300);
            return { unsubscribe: () => told.delete(observer.next), closed: false };
          },
        }),
      };
      return { forBucket: () => bucket } as unknown as StorageApi;
    };
  }
  const optIn = (storageApi: StorageApi) =>
    SegmentConsent.fromConfig(new ConfigReader({ app: { analytics: { segment: { consent: { default: 'opt-in' } } } } }), { storageApi });
  const anonymousIdOf = (messages: CollectedMessage[], subject: string) => messages.find(m => m.properties?.subject === subject)?.anonymousId;

  it('tab A says yes, then tab B (never told of it) says yes: B goes on with the id A\'s session made, not a second one', async () => {
    const tab = tabsOfOneStore();
    const [apiA, apiB] = [tab(), tab()];
    const a = wire.create({ consent: { default: 'opt-in' } }, { storageApi: apiA, identityApi: userIdentity('user:default/jane') });
    const b = wire.create({ consent: { default: 'opt-in' } }, { storageApi: apiB, identityApi: userIdentity('user:default/jane') });
    await jest.advanceTimersByTimeAsync(1000);
    await optIn(apiA).setDecision('granted');
    click(a.analytics, 'a1');
    const madeByA = anonymousIdOf(await a.waitFor(m => subjects(m).includes('a1')), 'a1');
    await optIn(apiB).setDecision('granted');
    click(b.analytics, 'b1');
    click(a.analytics, 'a2');
    expect(anonymousIdOf(await b.waitFor(m => subjects(m).includes('b1')), 'b1')).toBe(madeByA);
    expect(anonymousIdOf(await a.waitFor(m => subjects(m).includes('a2')), 'a2')).toBe(madeByA);
  });
});
