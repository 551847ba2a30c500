import { ConfigReader } from '@backstage/config';
import { readSegmentConfig } from './readSegmentConfig';
import { EnabledSegmentConfig } from './SegmentConfig';

function read(segment: unknown, backend: unknown = { baseUrl: 'https://backstage.example.com' }) {
  return readSegmentConfig(new ConfigReader({ app: { analytics: { segment } }, backend } as any));
}

function readEnabled(segment: unknown, backend?: unknown): EnabledSegmentConfig {
  const config = read(segment, backend);
  if (!config.enabled) throw new Error('expected an enabled config');
  return config;
}

describe('app.analytics.segment.delivery', () => {
  it("'direct' (and no key) is the config of today: no relay", () => {
    expect(readEnabled({ writeKey: 'wk', delivery: 'direct' })).toStrictEqual(readEnabled({ writeKey: 'wk' }));
    expect(readEnabled({ writeKey: 'wk' }).relay).toBeUndefined();
  });

  it("'backend' needs no write key and sends to the relay on backend.baseUrl, with local settings", () => {
    const config = readEnabled({ delivery: 'backend' });
    expect(config).toMatchObject({
      writeKey: 'backstage-relay',
      apiHost: 'backstage.example.com/api/segment-analytics/v1',
      protocol: 'https',
      cdnURL: undefined,
      cdnSettings: 'local',
      relay: {
        url: 'https://backstage.example.com/api/segment-analytics',
        apiHost: 'backstage.example.com/api/segment-analytics/v1',
        protocol: 'https',
        ignoredKeys: [],
      },
    });
  });

  it('keeps the port, the path and the scheme of backend.baseUrl (trailing slashes dropped)', () => {
    const config = readEnabled({ delivery: 'backend' }, { baseUrl: 'http://127.0.0.1:7007/backstage/' });
    expect(config.relay).toMatchObject({ url: 'http://127.0.0.1:7007/backstage/api/segment-analytics', protocol: 'http' });
    expect(config.apiHost).toBe('127.0.0.1:7007/backstage/api/segment-analytics/v1');
  });

  it('lists the keys that have no effect in this mode, and turns the frontend group calls off', () => {
    const config = readEnabled({
      delivery: 'backend',
      writeKey: 'wk',
      region: 'eu',
      apiHost: 'proxy.example.com/v1',
      cdnURL: 'https://cdn.example.com',
      cdnSettings: 'remote',
      groups: true,
    });
    expect(config.relay?.ignoredKeys).toEqual(['writeKey', 'region', 'apiHost', 'cdnURL', 'cdnSettings', 'groups']);
    expect(config.team.groups).toBe(false);
    // Keys given empty (environment variables set to '') are not named: they set nothing.
    expect(readEnabled({ delivery: 'backend', writeKey: '', apiHost: '', region: 'eu' }).relay?.ignoredKeys).toEqual(['region']);
    expect(config.apiHost).toBe('backstage.example.com/api/segment-analytics/v1');
    expect(config.writeKey).toBe('backstage-relay');
  });

  it('keeps every other key as configured (privacy, batching, maskIP, transform)', () => {
    const config = readEnabled({ delivery: 'backend', maskIP: true, batching: { size: 5 }, userIdTransform: 'sha-256', redact: { emails: true } });
    expect(config).toMatchObject({ maskIP: true, batching: { size: 5, timeoutMs: 5000 }, userIdTransform: 'sha-256' });
    expect(config.privacy?.emails).toBe(true);
  });

  it.each([
    ['a value outside the set', { delivery: 'relay' }, undefined, "Invalid config app.analytics.segment.delivery: expected 'direct' or 'backend' (got \"relay\")"],
    ['a value of the wrong type', { delivery: true }, undefined, "Invalid config app.analytics.segment.delivery: expected 'direct' or 'backend'"],
    ['no backend.baseUrl', { delivery: 'backend' }, {}, 'backend.baseUrl'],
    ['a relative backend.baseUrl', { delivery: 'backend' }, { baseUrl: '/backend' }, 'backend.baseUrl'],
    ['a backend.baseUrl with credentials', { delivery: 'backend' }, { baseUrl: 'https://u:p@host' }, 'backend.baseUrl'],
  ])('%s is an error naming the key', (_, segment, backend, message) => {
    expect(() => read(segment, backend)).toThrow(message);
    // Never quoted back: a URL with credentials.
    expect(() => read(segment, backend)).not.toThrow('u:p');
  });

  it('still requires a write key in direct mode', () => {
    expect(() => read({ delivery: 'direct' })).toThrow('Missing config app.analytics.segment.writeKey');
  });
});
