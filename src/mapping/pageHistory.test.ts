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

  it('histories are independent of each other', () => {
    const a = createPageHistory('ref-a');
    const b = createPageHistory('ref-b');
    a.describe(at('/one'), true);
    expect(b.describe(at('/two'), true).referrer).toBe('ref-b');
    expect(a.describe(at('/three'), true).referrer).toBe(`${ORIGIN}/one`);
  });
});
