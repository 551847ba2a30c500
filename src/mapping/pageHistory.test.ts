import { createPageHistory, LocationSnapshot } from './pageHistory';

const ORIGIN = 'https://backstage.example.com';

function at(path: string, search = '', title = `Backstage ${path}`): LocationSnapshot {
  return { href: `${ORIGIN}${path}${search}`, pathname: path, search, title };
}

describe('createPageHistory', () => {
  it("the first navigation's referrer is the document's initial referrer", () => {
    const history = createPageHistory('https://sso.example.com/login');
    expect(history.describe(at('/catalog'), true)).toStrictEqual({
      url: `${ORIGIN}/catalog`,
      path: '/catalog',
      search: '',
      title: 'Backstage /catalog',
      referrer: 'https://sso.example.com/login',
    });
  });

  it('a page opened while analytics was off is the next page\'s referrer, and is itself described with none', () => {
    const history = createPageHistory('https://portal.example.com/launch');
    history.describe(at('/catalog'), true, true);
    history.describe(at('/settings'), true, true);
    // After the "yes": an event on the page the user is on, then the next page.
    expect(history.describe(at('/settings'), false).referrer).toBe('');
    expect(history.describe(at('/home'), true).referrer).toBe(`${ORIGIN}/settings`);
    expect(history.describe(at('/docs'), true).referrer).toBe(`${ORIGIN}/home`);
  });

  it('an empty initial referrer is kept as is', () => {
    expect(createPageHistory('').describe(at('/'), true).referrer).toBe('');
  });

  it('after the first navigation, the referrer is the previous in-app URL', () => {
    const history = createPageHistory('https://sso.example.com/login');
    history.describe(at('/catalog'), true);
    expect(history.describe(at('/docs', '?filter=owned'), true)).toStrictEqual({
      url: `${ORIGIN}/docs?filter=owned`,
      path: '/docs',
      search: '?filter=owned',
      title: 'Backstage /docs',
      referrer: `${ORIGIN}/catalog`,
    });
    expect(history.describe(at('/create'), true).referrer).toBe(`${ORIGIN}/docs?filter=owned`);
    // Going back is just another navigation.
    expect(history.describe(at('/docs', '?filter=owned'), true).referrer).toBe(`${ORIGIN}/create`);
  });

  it.each([
    ['an anchor', '/docs/default/component/svc/#install', '?a=1', '/docs/default/component/svc/?a=1'],
    ['an empty fragment', '/catalog#', '', '/catalog'],
    ['a fragment holding a URL', '/cb#access_token=t&next=/x#y', '', '/cb'],
  ])('describes the URL without its fragment, as the library does (%s)', (_, path, search, expected) => {
    const [pathname, fragment] = path.split(/#(.*)/s);
    const history = createPageHistory('');
    const snapshot = { href: `${ORIGIN}${pathname}${search}#${fragment}`, pathname, search, title: 't' };
    expect(history.describe(snapshot, true).url).toBe(`${ORIGIN}${expected}`);
  });

  it("another anchor of the same page is not that page's referrer", () => {
    const history = createPageHistory('');
    history.describe(at('/catalog'), true);
    history.describe({ ...at('/docs'), href: `${ORIGIN}/docs#a` }, true);
    const other = history.describe({ ...at('/docs'), href: `${ORIGIN}/docs#b` }, true);
    expect(other).toMatchObject({ url: `${ORIGIN}/docs`, referrer: `${ORIGIN}/catalog` });
    expect(history.describe(at('/search'), true).referrer).toBe(`${ORIGIN}/docs`);
  });

  it("track events get the current page's referrer and do not move the history", () => {
    const history = createPageHistory('https://sso.example.com/login');
    // Before any navigation: the initial referrer.
    expect(history.describe(at('/'), false).referrer).toBe('https://sso.example.com/login');

    history.describe(at('/catalog'), true);
    history.describe(at('/docs'), true);
    const click = history.describe(at('/docs'), false);
    expect(click).toStrictEqual({
      url: `${ORIGIN}/docs`,
      path: '/docs',
      search: '',
      title: 'Backstage /docs',
      referrer: `${ORIGIN}/catalog`,
    });
    // Still the same after several track events.
    expect(history.describe(at('/docs'), false).referrer).toBe(`${ORIGIN}/catalog`);
    // And the next navigation's referrer is the last page navigated to, not shifted by the track events.
    expect(history.describe(at('/search'), true).referrer).toBe(`${ORIGIN}/docs`);
  });

  it('the same URL twice does not shift the referrer', () => {
    const history = createPageHistory('https://sso.example.com/login');
    history.describe(at('/catalog'), true);
    expect(history.describe(at('/docs'), true).referrer).toBe(`${ORIGIN}/catalog`);
    // A second navigate event for the same URL (re-render, duplicate capture).
    expect(history.describe(at('/docs'), true).referrer).toBe(`${ORIGIN}/catalog`);
    expect(history.describe(at('/search'), true).referrer).toBe(`${ORIGIN}/docs`);
  });

  it('a different query string is a different URL', () => {
    const history = createPageHistory('');
    history.describe(at('/search', '?query=a'), true);
    expect(history.describe(at('/search', '?query=b'), true).referrer).toBe(`${ORIGIN}/search?query=a`);
  });

  describe('a page that rewrites its query without a navigation (history.replaceState)', () => {
    it("the catalog's filters: the link clicked on the filtered list makes the filtered URL the next page's referrer", () => {
      const history = createPageHistory('');
      history.describe(at('/'), true);
      history.describe(at('/catalog'), true);
      // The catalog puts its filters in the URL right after the navigation; a link on the list is clicked.
      const click = history.describe(at('/catalog', '?filters%5Bkind%5D=component'), false);
      expect(click).toMatchObject({ url: `${ORIGIN}/catalog?filters%5Bkind%5D=component`, referrer: `${ORIGIN}/` });
      expect(history.describe(at('/catalog/default/component/svc'), true).referrer).toBe(`${ORIGIN}/catalog?filters%5Bkind%5D=component`);
    });

    it('the search box: the last query seen is the referrer of the result opened', () => {
      const history = createPageHistory('');
      history.describe(at('/search'), true);
      history.describe(at('/search', '?query=a'), false);
      history.describe(at('/search', '?query=ab'), false);
      expect(history.describe(at('/docs/x'), true).referrer).toBe(`${ORIGIN}/search?query=ab`);
    });

    it("an event captured on the next page before its navigation is reported does not become that page's referrer", () => {
      const history = createPageHistory('');
      history.describe(at('/create/templates/t'), true);
      // The scaffolder's `create` is captured once the URL shows the task, before Backstage reports the navigation.
      const create = history.describe(at('/create/tasks/1'), false);
      expect(create.referrer).toBe('');
      expect(history.describe(at('/create/tasks/1'), true).referrer).toBe(`${ORIGIN}/create/templates/t`);
    });

    it('a navigation reported for the query the page already showed has the URL navigated to before as referrer, never itself', () => {
      const history = createPageHistory('');
      history.describe(at('/catalog'), true);
      history.describe(at('/search'), true);
      history.describe(at('/search', '?query=a'), false);
      expect(history.describe(at('/search', '?query=a'), true).referrer).toBe(`${ORIGIN}/search`);
      expect(history.describe(at('/docs'), true).referrer).toBe(`${ORIGIN}/search?query=a`);
    });

    it('events of the page keep its referrer', () => {
      const history = createPageHistory('');
      history.describe(at('/home'), true);
      history.describe(at('/catalog'), true);
      expect(history.describe(at('/catalog', '?filters=x'), false).referrer).toBe(`${ORIGIN}/home`);
      expect(history.describe(at('/catalog', '?filters=y'), false).referrer).toBe(`${ORIGIN}/home`);
    });
  });

  it('histories are independent of each other', () => {
    const a = createPageHistory('ref-a');
    const b = createPageHistory('ref-b');
    a.describe(at('/one'), true);
    expect(b.describe(at('/two'), true).referrer).toBe('ref-b');
    expect(a.describe(at('/three'), true).referrer).toBe(`${ORIGIN}/one`);
  });
});
