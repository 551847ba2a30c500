/**
 * @jest-environment-options {"url": "http://backstage.eu.example.com/catalog"}
 */
import { AnalyticsBrowser } from '@segment/analytics-next';
import { createIdentityCookies, widestCookieDomain } from './identityCookies';

// On a host of several labels, in jsdom's real cookie jar (which refuses
// cookies on a public suffix, as browsers do), beside the real library.

const cookieNames = () =>
  document.cookie
    .split('; ')
    .filter(Boolean)
    .map(c => c.slice(0, c.indexOf('=')));

afterEach(() => {
  for (const name of cookieNames()) {
    for (const domain of ['', '; domain=.example.com', '; domain=.eu.example.com']) document.cookie = `${name}=; path=/; max-age=0${domain}`;
  }
});

describe('widestCookieDomain', () => {
  it('is the widest domain above the host that takes a cookie, and leaves no probe cookie behind', () => {
    expect(widestCookieDomain('backstage.eu.example.com')).toBe('example.com');
    expect(cookieNames()).toEqual([]);
  });

  it('is none for an IP address or a host of one label (host-only cookies), and none where no domain takes one', () => {
    expect(widestCookieDomain('127.0.0.1')).toBeUndefined();
    expect(widestCookieDomain('localhost')).toBeUndefined();
    expect(widestCookieDomain('intranet.other.org')).toBeUndefined();
  });
});

describe('createIdentityCookies', () => {
  const store = () => createIdentityCookies('backstage.eu.example.com');

  it('reads and writes what the library itself reads and writes', async () => {
    store().set('ajs_anonymous_id', 'anon-from-the-module');
    store().set('ajs_user_id', 'user:default/jane.doe');
    const cdnSettings = { integrations: { 'Segment.io': { apiKey: 'cookies', apiHost: '127.0.0.1:9/v1' } } };
    const [analytics] = await AnalyticsBrowser.load({ writeKey: 'cookies', cdnSettings }, { initialPageview: false });
    expect(analytics.user().anonymousId()).toBe('anon-from-the-module');
    expect(analytics.user().id()).toBe('user:default/jane.doe');

    analytics.user().anonymousId('anon-from-the-library');
    analytics.group().id('group:default/team-a');
    expect(store().getConsistent('ajs_anonymous_id')).toBe('anon-from-the-library');
    expect(store().get('ajs_group_id')).toBe('group:default/team-a');
  });

  it('reads a value an older library wrote as JSON, and nothing where there is no cookie', () => {
    document.cookie = `ajs_anonymous_id=${encodeURIComponent('"anon-in-json"')}; path=/`;
    expect(store().get('ajs_anonymous_id')).toBe('anon-in-json');
    expect(store().get('ajs_user_id')).toBeNull();
  });

  it('clears a value (null, or clear) on the domain it was written on', () => {
    const cookies = store();
    cookies.set('ajs_user_id', 'someone');
    cookies.set('ajs_group_id', 'a-group');
    expect(cookieNames().sort()).toEqual(['ajs_group_id', 'ajs_user_id']);
    cookies.set('ajs_user_id', null);
    cookies.clear('ajs_group_id');
    expect(cookieNames()).toEqual([]);
  });
});
