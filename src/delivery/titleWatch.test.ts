import { watchTitles } from './titleWatch';

describe('watchTitles', () => {
  beforeEach(() => {
    document.title = 'Catalog | App';
    window.history.replaceState({}, '', '/catalog');
  });

  it('tells when the title last changed', () => {
    let now = 1000;
    const titles = watchTitles(() => now);
    expect(titles.look()).toMatchObject({ title: 'Catalog | App', titleChangedAt: 1000 });
    now = 1200;
    document.title = 'APIs | App';
    now = 1300;
    expect(titles.look()).toMatchObject({ title: 'APIs | App', titleChangedAt: 1300 });
    now = 1400;
    expect(titles.look().titleChangedAt).toBe(1300);
  });

  it('records the change as it happens, with the page shown then (the observer, before any look)', async () => {
    let now = 0;
    const titles = watchTitles(() => now);
    window.history.pushState({}, '', '/api-docs?filters=1');
    now = 50;
    document.title = 'APIs | App';
    await Promise.resolve(); // the observer's callback runs as a microtask
    now = 500;
    window.history.pushState({}, '', '/docs');
    const seen = titles.look();
    expect(seen.titleChangedAt).toBe(50);
    expect(seen.titleOfPage?.(`${window.location.origin}/api-docs`)).toBe('APIs | App');
    // A page shown without setting a title of its own has none.
    expect(seen.titleOfPage?.(`${window.location.origin}/docs`)).toBeUndefined();
  });

  it('tells when the page was last seen loading: an indicator without a value, looked at when asked', () => {
    let now = 0;
    const titles = watchTitles(() => now);
    expect(titles.loadingSeenAt()).toBeUndefined();
    const gauge = document.createElement('div');
    gauge.setAttribute('role', 'progressbar');
    gauge.setAttribute('aria-valuenow', '40');
    document.body.append(gauge);
    expect(titles.loadingSeenAt()).toBeUndefined();
    const spinner = document.createElement('span');
    spinner.setAttribute('role', 'progressbar');
    document.body.append(spinner);
    now = 300;
    expect(titles.loadingSeenAt()).toBe(300);
    spinner.remove();
    now = 700;
    expect(titles.loadingSeenAt()).toBe(300);
    // One the browser says is not shown (jsdom cannot tell: the browser's answer, as Chromium gives it).
    const hidden = Object.assign(document.createElement('span'), { checkVisibility: () => false });
    hidden.setAttribute('role', 'progressbar');
    document.body.append(hidden);
    now = 900;
    expect(titles.loadingSeenAt()).toBe(300);
    hidden.remove();
    gauge.remove();
  });
});
