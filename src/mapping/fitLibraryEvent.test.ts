import { fitLibraryEvent, LibraryDescribedEvent } from './fitLibraryEvent';
import { TRUNCATION_MARK } from './fitToSizeLimit';

const long = 'q'.repeat(20_000);
const pageOf = (search: string) => ({ path: '/search', search, url: `https://backstage.example.com/search${search}`, title: 'Search' });
const libraryEvent = (type: string, search: string): LibraryDescribedEvent => ({
  type,
  context: { page: pageOf(search), userAgent: 'Chromium', groupId: 'g1' },
  properties: type === 'page' ? pageOf(search) : { action: 'click' },
});

describe('fitLibraryEvent', () => {
  it.each(['identify', 'group', 'page'])('%s over the limit: the long strings the library read are cut and marked', type => {
    const event = libraryEvent(type, `?f=${long}`);
    fitLibraryEvent(event);
    expect(event.context!.page.search).toBe(`?f=${'q'.repeat(1021)}${TRUNCATION_MARK}`);
    expect(event.context!.page.url.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(event.context).toMatchObject({ page: { path: '/search', title: 'Search' }, userAgent: 'Chromium', groupId: 'g1' });
    expect(JSON.stringify(event).length).toBeLessThan(28 * 1024);
  });

  it("a page call's properties (the page, read from location too) are cut as well", () => {
    const event = libraryEvent('page', `?f=${long}`);
    fitLibraryEvent(event);
    expect(event.properties!.search.endsWith(TRUNCATION_MARK)).toBe(true);
  });

  it.each(['identify', 'group', 'page'])('%s within the limit is left as it is', type => {
    const event = libraryEvent(type, '?f=short');
    const before = JSON.stringify(event);
    const { context } = event;
    fitLibraryEvent(event);
    expect(JSON.stringify(event)).toBe(before);
    expect(event.context).toBe(context);
  });

  it("a track call is the module's own, fitted before it was handed over: not looked at", () => {
    const event = libraryEvent('track', `?f=${long}`);
    fitLibraryEvent(event);
    expect(event.context!.page.search).toBe(`?f=${long}`);
  });

  it('never throws, on an event that is not JSON', () => {
    const context: Record<string, unknown> = { page: { search: long } };
    context.self = context;
    expect(() => fitLibraryEvent({ type: 'identify', context })).not.toThrow();
  });
});
