import { ConfigReader } from '@backstage/config';
import { readSegmentConfig } from './readSegmentConfig';
import { keyedErrorMessage as errorOf } from '../__testUtils__/configReading';

// apiHost, cdnURL and writeKey as hostile or careless config can give them,
// through readSegmentConfig: rejected with an error naming the key, or
// accepted in a normalized form the library cannot misread.

function read(segment: object) {
  const config = readSegmentConfig(new ConfigReader({ app: { analytics: { segment: { writeKey: 'wk', ...segment } } } }));
  if (!config.enabled) throw new Error('expected enabled');
  return config;
}

describe('apiHost', () => {
  it.each<[string, string]>([
    ['https:///', 'the host is empty'],
    ['https:///v1', 'the host is empty'],
    ['http://', 'the host is empty'],
    // eslint-disable-next-line no-script-url
    ['javascript:alert(1)', 'only http and https'],
    // eslint-disable-next-line no-script-url
    ['JavaScript:alert(1)//x', 'only http and https'],
    ['data:text/plain,x', 'only http and https'],
    ['mailto:someone', 'only http and https'],
    ['ftp://files.example.com/v1', 'only http and https'],
    ['ws://proxy.example.com/v1', 'only http and https'],
    ['https://user:pass@proxy.example.com/v1', 'credentials'],
    ['user:pass@proxy.example.com/v1', 'credentials'],
    ['https://@proxy.example.com', 'credentials'],
    ['proxy.example.com/v1?x=1', 'query string or fragment'],
    ['https://proxy.example.com/v1#f', 'query string or fragment'],
    ['proxy example.com/v1', 'spaces'],
    ['https://proxy.example.com\\@evil.com/v1', 'credentials'],
    ['https://proxy.example.com\\v1', 'backslashes'],
    ['proxy.example.com:99999/v1', 'not a valid host'],
    ['/v1', 'the host is empty'],
  ])('%j is rejected', (apiHost, why) => {
    const message = errorOf({ apiHost });
    expect(message).toContain('app.analytics.segment.apiHost');
    expect(message).toContain(why);
  });

  it('an apiHost with credentials is not echoed in the error', () => {
    expect(errorOf({ apiHost: 'https://user:s3cret@proxy.example.com/v1' })).not.toContain('s3cret');
  });

  it.each<[string, string, 'http' | 'https']>([
    ['proxy.example.com/v1', 'proxy.example.com/v1', 'https'],
    ['https://proxy.example.com/v1/', 'proxy.example.com/v1', 'https'],
    ['HTTP://127.0.0.1:4000/v1', '127.0.0.1:4000/v1', 'http'],
    ['localhost:8080/v1', 'localhost:8080/v1', 'https'],
    ['http://[::1]:4000/v1', '[::1]:4000/v1', 'http'],
    ['https://Proxy.Example.com/Seg', 'proxy.example.com/Seg', 'https'],
    ['https://proxy.example.com', 'proxy.example.com', 'https'],
  ])('%j is accepted as %j over %s', (raw, apiHost, protocol) => {
    expect(read({ apiHost: raw })).toMatchObject({ apiHost, protocol });
  });
});

describe('cdnURL', () => {
  it.each<[string, string]>([
    ['https:///', 'the host is empty'],
    // eslint-disable-next-line no-script-url
    ['javascript:alert(1)', 'only http and https'],
    ['data:application/json,{}', 'only http and https'],
    ['cdn.example.com', 'no http:// or https:// scheme'],
    ['ftp://cdn.example.com', 'only http and https'],
    ['https://u:p@cdn.example.com', 'credentials'],
    ['https://cdn.example.com/?x=1', 'query string or fragment'],
    ['https://cdn.example.com/#x', 'query string or fragment'],
  ])('%j is rejected', (cdnURL, why) => {
    const message = errorOf({ cdnURL });
    expect(message).toContain('app.analytics.segment.cdnURL');
    expect(message).toContain(why);
  });

  it.each<[string, string]>([
    ['https://cdn.example.com/', 'https://cdn.example.com'],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4000'],
    ['https://proxy.example.com/segment-cdn/', 'https://proxy.example.com/segment-cdn'],
  ])('%j is accepted as %j', (raw, cdnURL) => {
    expect(read({ cdnURL: raw }).cdnURL).toBe(cdnURL);
  });
});

describe('writeKey', () => {
  it.each(['../../x', 'k?x=1#f', 'k/../../other', 'a b', 'k%2F', 'key#frag', '..', '.', 'k:secret', 'ключ'])(
    '%j is rejected: it could change the settings URL',
    writeKey => {
      const message = errorOf({ writeKey });
      expect(message).toContain('app.analytics.segment.writeKey');
    },
  );

  it.each(['abc123XYZ', 'wire-1', 'a_b.c~d', 'k..k'])('%j is accepted as is', writeKey => {
    expect(read({ writeKey }).writeKey).toBe(writeKey);
  });

  it('an accepted key is one path segment of the settings URL, whatever the CDN', () => {
    for (const writeKey of ['abc123XYZ', 'wire-1', 'a_b.c~d', 'k..k']) {
      const { cdnURL } = read({ writeKey, cdnURL: 'https://cdn.example.com/base' });
      // How @segment/analytics-next builds it (browser/index.ts, loadCDNSettings).
      const url = new URL(`${cdnURL}/v1/projects/${writeKey}/settings`);
      expect(url.pathname).toBe(`/base/v1/projects/${writeKey}/settings`);
      expect(url.search + url.hash).toBe('');
    }
  });
});
