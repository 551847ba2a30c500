import { call, openTab, sharedBucket } from '../__testUtils__/userChoiceTabs';
import { decide } from './pageDecision';

jest.useFakeTimers();

// Tabs of one browser following the user's choice, deciding through the real
// `decide`. The StorageApi tells a tab of a change by giving the value as it
// is when the tab runs (as Backstage's WebStorage does on a storage event): a
// tab frozen while the user says "no" and then "yes" in another one is told
// "yes" twice; one kept in the back/forward cache is told nothing.

describe('whose "yes" starts a session', () => {
  it('the user\'s own in this tab: without the ids the browser holds; the first session, and another tab\'s following the stored "yes", with them', async () => {
    const bucket = sharedBucket();
    const tab = openTab(bucket.tabApi().storageApi);
    const other = openTab(bucket.tabApi().storageApi);
    const otherApi = bucket.tabApi().storageApi;
    const third = openTab(otherApi);
    await decide(otherApi, 'denied', undefined);
    await jest.advanceTimersByTimeAsync(1000);
    await decide(otherApi, 'granted', undefined);
    // Each tab's session at load, then the one the "yes" started: only the deciding tab's is fresh.
    expect(third.fresh()).toEqual([false, true]);
    expect(tab.fresh()).toEqual([false, false]);
    expect(other.fresh()).toEqual([false, false]);
  });

  it.each([
    ['opt-in, nothing stored: the first "yes" switches on', 'opt-in', [true]],
    ['opt-out, nothing stored: a "yes" restates the default', 'opt-out', [false]],
  ] as const)('%s', async (_, regime, fresh) => {
    const api = sharedBucket().tabApi().storageApi;
    const tab = openTab(api, regime);
    await jest.advanceTimersByTimeAsync(1000);
    await decide(api, 'granted', undefined);
    expect(tab.fresh()).toEqual(fresh);
  });

  it('a "yes" after a "yes" (other categories) starts nothing: the session goes on', async () => {
    const api = sharedBucket().tabApi().storageApi;
    const tab = openTab(api);
    await decide(api, 'denied', undefined);
    await decide(api, 'granted', undefined);
    await decide(api, 'granted', { categoryPreferences: { Analytics: true } });
    expect(tab.fresh()).toEqual([false, true]);
  });
});

const shownAgain = () => window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));

describe('a "no" then a "yes" in another tab, while this one did not run', () => {
  it.each([
    ['frozen, then told by the StorageApi as it runs again', 'thaw'],
    ['kept in the back/forward cache, then shown again (told nothing)', 'pageshow'],
  ])('%s: what it held from before the "no" goes nowhere; it goes on in a new session', async (_, how) => {
    const bucket = sharedBucket();
    const idle = bucket.tabApi();
    const tab = openTab(idle.storageApi);
    const other = bucket.tabApi().storageApi;
    openTab(other);
    tab.rules.capture(call('held before the no'));
    expect(tab.sessions()).toEqual([[['held before the no'], false]]);

    idle.freeze();
    await jest.advanceTimersByTimeAsync(1000);
    await decide(other, 'denied', undefined);
    await jest.advanceTimersByTimeAsync(1000);
    await decide(other, 'granted', undefined);
    await jest.advanceTimersByTimeAsync(1000);
    if (how === 'thaw') idle.thaw();
    else shownAgain();
    tab.rules.capture(call('after'));
    expect(tab.sessions()).toEqual([
      [['held before the no'], true],
      [['after'], false],
    ]);
    // What the browser keeps now is the other tab's new session: left alone.
    expect(tab.forget).not.toHaveBeenCalled();
  });

  it('a tab that saw both goes on in the session it began at the "yes"; a later look changes nothing', async () => {
    const bucket = sharedBucket();
    const tab = openTab(bucket.tabApi().storageApi);
    const other = bucket.tabApi().storageApi;
    tab.rules.capture(call('a'));
    await decide(other, 'denied', undefined);
    await decide(other, 'granted', undefined);
    shownAgain();
    tab.rules.capture(call('b'));
    expect(tab.sessions()).toEqual([
      [['a'], true],
      [['b'], false],
    ]);
  });

  it('a "yes" with other categories, or a first "yes", is the same period: the session goes on', async () => {
    const bucket = sharedBucket();
    const tab = openTab(bucket.tabApi().storageApi);
    const other = bucket.tabApi().storageApi;
    tab.rules.capture(call('a'));
    await decide(other, 'granted', undefined);
    await jest.advanceTimersByTimeAsync(1000);
    await decide(other, 'granted', { categoryPreferences: { Analytics: true } });
    shownAgain();
    tab.rules.capture(call('b'));
    expect(tab.sessions()).toEqual([[['a', 'b'], false]]);
  });

  it('a page shown again from a plain navigation (not persisted) reads nothing again', async () => {
    const bucket = sharedBucket();
    const idle = bucket.tabApi();
    const tab = openTab(idle.storageApi);
    const other = bucket.tabApi().storageApi;
    idle.freeze();
    await decide(other, 'denied', undefined);
    await decide(other, 'granted', undefined);
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: false }));
    tab.rules.capture(call('a'));
    expect(tab.sessions()).toEqual([[['a'], false]]);
  });
});
