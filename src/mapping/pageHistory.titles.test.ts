import { CurrentDocument, TITLE_QUIET_MS, TITLE_WAIT_MS, titleWaitMs, withSettledTitle } from './pageHistory';
import { SegmentCall } from './SegmentCall';

// The title a page call is sent with: how long it waits for the page to settle its title, and which title it takes.

const ORIGIN = 'https://backstage.example.com';

describe('titleWaitMs and withSettledTitle', () => {
  const captured = 10_000;
  const pageCall = (url: string, title: string): SegmentCall => ({
    type: 'page',
    properties: { subject: url, action: 'navigate', title },
    page: { url, path: new URL(url).pathname, search: new URL(url).search, title, referrer: '' },
    timestamp: new Date(captured),
  });
  const call = pageCall(`${ORIGIN}/api-docs`, 'Catalog | App');

  it.each<[string, CurrentDocument, number, number]>([
    ['title unchanged: waits until the limit', { href: `${ORIGIN}/api-docs`, title: 'Catalog | App' }, captured + 500, TITLE_WAIT_MS - 500],
    ['limit reached: no more waiting', { href: `${ORIGIN}/api-docs`, title: 'Catalog | App' }, captured + TITLE_WAIT_MS, 0],
    [
      'only the query changed (catalog filters): still the same page, still waiting',
      { href: `${ORIGIN}/api-docs?filters%5Bkind%5D=api`, title: 'Catalog | App' },
      captured + 500,
      TITLE_WAIT_MS - 500,
    ],
    [
      'the document at an anchor of the page (TechDocs; the URL sent has no fragment): still the same page, still waiting',
      { href: `${ORIGIN}/api-docs#section-b`, title: 'Catalog | App' },
      captured + 500,
      TITLE_WAIT_MS - 500,
    ],
    ['another page: no waiting', { href: `${ORIGIN}/docs`, title: 'Catalog | App' }, captured + 500, 0],
    [
      'a new title, just set: waits for it to stay',
      { href: `${ORIGIN}/api-docs`, title: 'APIs | App', titleChangedAt: captured + 400 },
      captured + 500,
      TITLE_QUIET_MS - 100,
    ],
    [
      'a new title that has stayed for the quiet period: no waiting',
      { href: `${ORIGIN}/api-docs`, title: 'APIs | App', titleChangedAt: captured + 500 - TITLE_QUIET_MS },
      captured + 500,
      0,
    ],
    [
      'a new title near the limit: the limit wins',
      { href: `${ORIGIN}/api-docs`, title: 'APIs | App', titleChangedAt: captured + TITLE_WAIT_MS - 100 },
      captured + TITLE_WAIT_MS - 50,
      50,
    ],
  ])('%s', (_label, current, now, expected) => {
    expect(titleWaitMs(call, current, { capturedAt: captured, now })).toBe(expected);
  });

  it.each([
    ['an hour behind', captured - 3_600_000],
    ['a day ahead', captured + 86_400_000],
    ['the epoch', 0],
  ])("the call's wall-clock timestamp plays no part (the system clock stepped: %s)", (_label, wall) => {
    const stepped = { ...call, timestamp: new Date(wall) };
    const current = { href: `${ORIGIN}/api-docs`, title: 'Catalog | App' };
    expect(titleWaitMs(stepped, current, { capturedAt: captured, now: captured + 500 })).toBe(TITLE_WAIT_MS - 500);
    expect(titleWaitMs(stepped, current, { capturedAt: captured, now: captured + TITLE_WAIT_MS })).toBe(0);
  });

  it('track calls are never held', () => {
    const track: SegmentCall = { ...call, type: 'track', event: 'click' };
    expect(titleWaitMs(track, { href: `${ORIGIN}/api-docs`, title: 'Catalog | App' }, { capturedAt: captured, now: captured })).toBe(0);
  });

  it('takes the settled title while the document shows the same page, query changes included', () => {
    const settled = withSettledTitle(call, { href: `${ORIGIN}/api-docs?filters%5Bkind%5D=api`, title: 'APIs | App' });
    expect(settled.page.title).toBe('APIs | App');
    expect(settled.properties.title).toBe('APIs | App');
    expect(settled.page.url).toBe(`${ORIGIN}/api-docs`);
    expect(call.page.title).toBe('Catalog | App');
  });

  it('takes the settled title while the document is at an anchor of the page', () => {
    expect(withSettledTitle(call, { href: `${ORIGIN}/api-docs#usage`, title: 'APIs | App' }).page.title).toBe('APIs | App');
  });

  it('keeps the title of capture once the document shows another page', () => {
    expect(withSettledTitle(call, { href: `${ORIGIN}/docs`, title: 'Docs | App' })).toBe(call);
  });
});

describe('withSettledTitle once the document shows another page', () => {
  const call: SegmentCall = {
    type: 'page',
    properties: { subject: '/second', action: 'navigate', title: 'Playground | App' },
    page: { url: `${ORIGIN}/second`, path: '/second', search: '', title: 'Playground | App', referrer: '' },
    timestamp: new Date(0),
  };
  const titles: Record<string, string> = { [`${ORIGIN}/second`]: 'Second page | App' };

  it("takes the last title the call's page set while it was shown", () => {
    const settled = withSettledTitle(call, { href: `${ORIGIN}/playground`, title: 'Playground | App', titleOfPage: p => titles[p] });
    expect(settled.page.title).toBe('Second page | App');
    expect(settled.properties.title).toBe('Second page | App');
  });

  it('keeps the title of capture when the page set none', () => {
    expect(withSettledTitle(call, { href: `${ORIGIN}/playground`, title: 'Playground | App', titleOfPage: () => undefined })).toBe(call);
  });
});
