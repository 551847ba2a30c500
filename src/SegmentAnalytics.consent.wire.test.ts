import { StorageApi } from '@backstage/core-plugin-api';
import { MockStorageApi } from '@backstage/test-utils';
import { SegmentConsent } from './consent/SegmentConsent';
import { SegmentConsentState } from './consent/SegmentConsentApi';
import { SegmentAnalytics } from './SegmentAnalytics';
import { advanceUntil } from './__testUtils__/fakeTime';
import { CollectedMessage } from './__testUtils__/loopbackCollector';
import { setupWireCollector, silentStorageApi, userIdentity } from './__testUtils__/wireTest';
import { consentOf, leftInBrowser } from './__testUtils__/consentWire';

// The real library, sending real HTTP to the embedded collector: the user's
// own choice, read from and written to a StorageApi, decides what arrives.

const wire = setupWireCollector('consent');
const context = { routeRef: 'r', pluginId: 'p', extension: 'e' };
const click = (analytics: SegmentAnalytics, subject: string) => analytics.captureEvent({ action: 'click', subject, context });
const subjects = (messages: CollectedMessage[]) => messages.filter(m => m.type === 'track').map(m => m.properties.subject);
/** The app moving to `path` (as Backstage reports it: the URL changed, then the navigate event). */
function navigate(analytics: SegmentAnalytics, path: string) {
  window.history.pushState({}, '', path);
  analytics.captureEvent({ action: 'navigate', subject: path, context });
}
const pagesOf = (messages: CollectedMessage[]) => messages.filter(m => m.type === 'page').map(m => [m.properties.path, m.properties.referrer]);


/** The first known state of the choice (its code loads lazily). */
function knownDecision(consent: SegmentConsent): Promise<SegmentConsentState> {
  return new Promise(resolve => {
    const subscription = consent.decision$().subscribe(state => {
      if (state.status === 'unknown') return;
      resolve(state);
      queueMicrotask(() => subscription.unsubscribe());
    });
  });
}

afterEach(() => {
  for (const c of document.cookie.split(';')) document.cookie = `${c.split('=')[0].trim()}=; max-age=0; path=/`;
});

describe('the user\'s own choice, on the wire', () => {
  it('opt-out (default): sends until the user switches off; then nothing, and nothing left behind; on again with a new anonymous id', async () => {
    const storageApi = MockStorageApi.create();
    const { analytics, waitFor } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
    click(analytics, 'before');
    const first = await waitFor(m => subjects(m).includes('before'));
    const anonymousId = first.find(m => m.type === 'track')!.anonymousId;
    expect(leftInBrowser().length).toBeGreaterThan(0); // the library keeps its anonymous id

    click(analytics, 'queued-then-off'); // still queued when the user says no
    await consentOf(storageApi).setDecision('denied');
    click(analytics, 'while-off');
    expect(leftInBrowser()).toEqual([]);

    await consentOf(storageApi).setDecision('granted');
    click(analytics, 'after');
    const all = await waitFor(m => subjects(m).includes('after'));
    expect(subjects(all)).toEqual(['before', 'after']);
    const after = all.find(m => m.properties?.subject === 'after')!;
    expect(after.anonymousId).toEqual(expect.any(String));
    expect(after.anonymousId).not.toBe(anonymousId);
    expect(after.userId).toBe('user:default/jane');
  });

  it('a "no" set before the consent code has loaded applies in the same task, and is handed to the StorageApi in that task', async () => {
    const storageApi = MockStorageApi.create();
    const { analytics, waitFor } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
    click(analytics, 'before');
    await waitFor(m => subjects(m).includes('before'));
    // A consent banner that only ever calls setDecision: nothing has loaded this API's code yet.
    const saved = consentOf(storageApi).setDecision('denied');
    click(analytics, 'same-task');
    // Stored in this task: a reload right after keeps the "no".
    expect(storageApi.forBucket('segment-analytics').snapshot('consent')).toEqual(
      expect.objectContaining({ presence: 'present', value: expect.objectContaining({ decision: 'denied' }) }),
    );
    await saved;
    click(analytics, 'next-task');
    await consentOf(storageApi).setDecision('granted');
    click(analytics, 'after');
    const all = await waitFor(m => subjects(m).includes('after'));
    expect(subjects(all)).toEqual(['before', 'after']);
  });

  it('a "no" the StorageApi cannot store (full storage) still applies to the page: nothing more sent, nothing left behind', async () => {
    const storageApi = MockStorageApi.create();
    jest.spyOn(storageApi.forBucket('segment-analytics'), 'set').mockRejectedValue(new DOMException('full', 'QuotaExceededError'));
    const { analytics, waitFor } = wire.create({}, { storageApi, identityApi: userIdentity('user:default/jane') });
    click(analytics, 'before');
    await waitFor(m => subjects(m).includes('before'));
    expect(leftInBrowser().length).toBeGreaterThan(0);

    click(analytics, 'queued-then-off');
    const consent = consentOf(storageApi);
    await expect(consent.setDecision('denied')).rejects.toThrow('it applies to this page until it is reloaded (QuotaExceededError: full)');
    expect(consent.getDecision()).toMatchObject({ status: 'denied', byUser: true });
    click(analytics, 'while-off');
    expect(leftInBrowser()).toEqual([]);
    click(analytics, 'done');
    // A later event of another instance on this collector shows the wire has had time to carry them.
    const other = wire.create({}, { identityApi: userIdentity('user:default/jane') });
    click(other.analytics, 'marker');
    await other.waitFor(m => subjects(m).includes('marker'));
    expect(subjects(await waitFor(() => true))).toEqual(['before']);
  });

  it('a stored "no": nothing is loaded or sent, and earlier data is removed', async () => {
    localStorage.setItem('ajs_anonymous_id', '"old"');
    document.cookie = 'ajs_anonymous_id=old; path=/';
    const storageApi = MockStorageApi.create();
    await consentOf(storageApi).setDecision('denied');
    const before = (await wire.collector.requests()).length;
    const { analytics, writeKey } = wire.create({}, { storageApi });
    click(analytics, 'never');
    await advanceUntil(() => expect(leftInBrowser()).toEqual([]));
    // Another instance's event arrives: by then this one's would have too.
    const other = wire.create({});
    click(other.analytics, 'marker');
    const messages = await other.waitFor(m => subjects(m).includes('marker'));
    expect(messages.length).toBe(1);
    const requests = (await wire.collector.requests()).slice(before);
    expect(requests.some(r => r.path.includes(writeKey))).toBe(false);
    expect((await wire.collector.messages()).filter(m => m.writeKey === writeKey)).toEqual([]);
  });

  it('opt-in: nothing before the user agrees, not even what was captured before; then events with their categories', async () => {
    const storageApi = MockStorageApi.create();
    const segment = { consent: { default: 'opt-in' } };
    const { analytics, waitFor } = wire.create(segment, { storageApi });
    click(analytics, 'before-yes');
    expect(await knownDecision(consentOf(storageApi, segment))).toEqual({ status: 'denied', byUser: false });
    await consentOf(storageApi, segment).setDecision('granted', { categoryPreferences: { Analytics: true, Advertising: false } });
    click(analytics, 'after-yes');
    const messages = await waitFor(m => subjects(m).includes('after-yes'));
    expect(subjects(messages)).toEqual(['after-yes']);
    expect(messages[0].context.consent).toEqual({ categoryPreferences: { Analytics: true, Advertising: false } });
  });

  it.each([
    ['opt-in, before the first "yes"', { consent: { default: 'opt-in' } }, undefined],
    ['opt-out, after a "no"', {}, 'denied' as const],
  ])('%s: the first page call after the "yes" has the page the user was on as its referrer, not the site they came from', async (_when, segment, before) => {
    const storageApi = MockStorageApi.create();
    if (before) await consentOf(storageApi, segment).setDecision(before);
    const { analytics, waitFor } = wire.create(segment, { storageApi });
    navigate(analytics, '/catalog');
    navigate(analytics, '/catalog/default/component/secret');
    navigate(analytics, '/settings');
    expect(await knownDecision(consentOf(storageApi, segment))).toEqual(expect.objectContaining({ status: 'denied' }));
    await consentOf(storageApi, segment).setDecision('granted');
    click(analytics, 'on the settings page');
    navigate(analytics, '/home');
    navigate(analytics, '/docs');
    const messages = await waitFor(m => pagesOf(m).length >= 2 && subjects(m).length >= 1);
    expect(pagesOf(messages)).toEqual([
      ['/home', 'http://localhost/settings'],
      ['/docs', 'http://localhost/home'],
    ]);
    // The page the user was on is described without the page before it, which they opened while off.
    const onSettings = messages.find(m => m.properties?.subject === 'on the settings page')!;
    expect(onSettings.context.page).toEqual(expect.objectContaining({ path: '/settings', referrer: '' }));
    const sent = JSON.stringify(messages);
    expect(sent).not.toContain('/catalog');
  });

  it('a navigation an events rule drops while the user is off never becomes the next page\'s referrer', async () => {
    const storageApi = MockStorageApi.create();
    const segment = { consent: { default: 'opt-in' }, events: { exclude: [{ action: 'navigate', subject: '/secret*' }] } };
    const { analytics, waitFor } = wire.create(segment, { storageApi });
    navigate(analytics, '/catalog');
    navigate(analytics, '/secret/plans');
    expect(await knownDecision(consentOf(storageApi, segment))).toEqual(expect.objectContaining({ status: 'denied' }));
    await consentOf(storageApi, segment).setDecision('granted');
    navigate(analytics, '/home');
    expect(pagesOf(await waitFor(m => pagesOf(m).length >= 1))).toEqual([['/home', 'http://localhost/catalog']]);
  });

  it('without a StorageApi: works as before (no per-user choice)', async () => {
    const { analytics, waitFor } = wire.create({ consent: { default: 'opt-in' } });
    click(analytics, 'sent');
    expect(subjects(await waitFor(m => subjects(m).includes('sent')))).toEqual(['sent']);
  });

  it.each([
    ['never answers', silentStorageApi()],
    ['throws', { forBucket: () => { throw new Error('storage down'); } }],
  ])('a StorageApi that %s does not stall: the default applies (one warning)', async (_name, storage) => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const { analytics, waitFor } = wire.create({ consent: { waitMs: 50 } }, { storageApi: storage as unknown as StorageApi });
    click(analytics, 'one');
    click(analytics, 'two');
    expect(subjects(await waitFor(m => subjects(m).length >= 2)).sort()).toEqual(['one', 'two']);
    expect(warn.mock.calls.filter(([m]) => String(m).includes("analytics choice"))).toHaveLength(1);
    warn.mockRestore();
  });
});

