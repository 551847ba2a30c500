import { ConfigReader } from '@backstage/config';
import { readRelayConfig } from './readRelayConfig';

const WRITE_KEY = 'wk-secret-value-1234';
const HMAC_KEY = 'hmac-secret-value-0123456789abcdef';

const read = (segmentAnalytics: unknown) =>
  readRelayConfig(new ConfigReader(segmentAnalytics === undefined ? {} : ({ segmentAnalytics } as any)));

describe('readRelayConfig', () => {
  it('fills the defaults: us region, 5 s time-out, client IP, no groups', () => {
    expect(read({ writeKey: WRITE_KEY, hmacKey: HMAC_KEY })).toEqual({
      enabled: true,
      writeKey: WRITE_KEY,
      hmacKey: HMAC_KEY,
      upstreamUrl: 'https://api.segment.io/v1',
      maskIP: false,
      groups: false,
      timeoutMs: 5000,
    });
  });

  it.each([
    [{ region: 'eu' }, { upstreamUrl: 'https://events.eu1.segmentapis.com/v1' }],
    [{ region: 'eu', upstreamUrl: 'https://proxy.example.com/segment/v1/' }, { upstreamUrl: 'https://proxy.example.com/segment/v1' }],
    [{ upstreamUrl: 'http://127.0.0.1:4567/v1' }, { upstreamUrl: 'http://127.0.0.1:4567/v1' }],
    [{ upstreamUrl: 'http://localhost:4567/v1' }, { upstreamUrl: 'http://localhost:4567/v1' }],
    [{ maskIP: 'true' }, { maskIP: true }],
    [{ maskIP: ' YES ' }, { maskIP: true }],
    [{ maskIP: 'on' }, { maskIP: true }],
    [{ maskIP: 1 }, { maskIP: true }],
    [{ maskIP: 'Off' }, { maskIP: false }],
    [{ groups: 'yes' }, { groups: { limit: 10 } }],
    [{ groups: { enabled: 'no' } }, { groups: false }],
    [{ timeoutMs: ' 3000 ' }, { timeoutMs: 3000 }],
    [{ groups: true }, { groups: { limit: 10 } }],
    [{ groups: { limit: 3 } }, { groups: { limit: 3 } }],
    [{ groups: { enabled: false, limit: 3 } }, { groups: false }],
    [{ timeoutMs: '2500' }, { timeoutMs: 2500 }],
    [{ writeKey: ` ${WRITE_KEY}\n` }, { writeKey: WRITE_KEY }],
    [{ hmacKey: `${HMAC_KEY}\n` }, { hmacKey: `${HMAC_KEY}\n` }],
    [{ upstreamUrl: 'https://api.segment.io/v1/' }, { upstreamUrl: 'https://api.segment.io/v1' }],
    [{ upstreamUrl: 'https://proxy.example.com/segment' }, { upstreamUrl: 'https://proxy.example.com/segment' }],
    // A proxy's own path may end as a call's does: only a call's path after /v1 is refused.
    [{ upstreamUrl: 'https://metrics.corp.example/track' }, { upstreamUrl: 'https://metrics.corp.example/track' }],
    [{ upstreamUrl: 'https://gw.corp.example/analytics/s' }, { upstreamUrl: 'https://gw.corp.example/analytics/s' }],
  ])('reads %j', (extra, expected) => {
    expect(read({ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, ...extra })).toMatchObject(expected);
  });

  it('is off with enabled: false, and then needs no keys', () => {
    expect(read({ enabled: false })).toEqual({ enabled: false });
    expect(read({ enabled: 'off' })).toEqual({ enabled: false });
    expect(read({ enabled: ' No ' })).toEqual({ enabled: false });
  });

  it.each([
    [undefined, /segmentAnalytics\.writeKey: expected a non-empty string .*it is missing/],
    [{ writeKey: WRITE_KEY }, /segmentAnalytics\.hmacKey: expected a non-empty string .*it is missing/],
    [{ writeKey: '  ', hmacKey: HMAC_KEY }, /segmentAnalytics\.writeKey: .*got an empty string/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, region: 'ap' }, /segmentAnalytics\.region: expected 'us' or 'eu'; got "ap"/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, upstreamUrl: 'http://segment.internal/v1' }, /segmentAnalytics\.upstreamUrl: expected an https URL .*got http:\/\/segment\.internal\/v1/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, upstreamUrl: 'not a url' }, /segmentAnalytics\.upstreamUrl: .*not a URL/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, upstreamUrl: 'https://u:p@api.segment.io/v1' }, /segmentAnalytics\.upstreamUrl/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, maskIP: 'maybe' }, /segmentAnalytics\.maskIP: expected true or false/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, maskIP: 2 }, /segmentAnalytics\.maskIP: expected true or false/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, groups: 'maybe' }, /segmentAnalytics\.groups: expected true or false/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, groups: ['a'] }, /segmentAnalytics\.groups: expected true, false, or \{/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, timeoutMs: '1e3' }, /segmentAnalytics\.timeoutMs: expected a whole number from 100 to 60000; got "1e3"/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, timeoutMs: '0x3e8' }, /segmentAnalytics\.timeoutMs: .*got "0x3e8"/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, groups: { limit: '0b11' } }, /segmentAnalytics\.groups\.limit: .*got "0b11"/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, groups: { limit: 0 } }, /segmentAnalytics\.groups\.limit: expected a whole number from 1 to 100/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, groups: { max: 3 } }, /segmentAnalytics\.groups\.max: unknown key \(expected enabled or limit\)/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, timeoutMs: 10 }, /segmentAnalytics\.timeoutMs: expected a whole number from 100 to 60000; got 10/],
    [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, hmacSalt: 'x' }, /segmentAnalytics\.hmacSalt: unknown key \(expected one of enabled, writeKey, hmacKey, /],
    ['on', /segmentAnalytics: expected an object/],
    ...['https://api.segment.io/v1/batch', 'https://api.segment.io', 'https://api.segment.io./', 'https://api.segment.io/v1/track', 'https://events.eu1.segmentapis.com/v1/b', 'https://proxy.example.com/segment/v1/batch', 'https://proxy.example.com/v1/T'].map(
      upstreamUrl => [{ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, upstreamUrl }, /segmentAnalytics\.upstreamUrl: expected the tracking API's base, ending in \/v1 \(the relay adds \/batch\); got https:/] as [unknown, RegExp],
    ),
  ])('refuses %j, naming the key', (block, message) => {
    expect(() => read(block)).toThrow(message);
  });

  it('never quotes a key in its errors', () => {
    const errors = [
      () => read({ writeKey: { nested: WRITE_KEY }, hmacKey: HMAC_KEY }),
      () => read({ writeKey: WRITE_KEY, hmacKey: 42 }),
      () => read({ writeKey: WRITE_KEY, hmacKey: HMAC_KEY, upstreamUrl: `https://${WRITE_KEY}:x@example.com/v1` }),
    ].map(attempt => {
      try {
        attempt();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected a config error');
    });
    for (const message of errors) {
      expect(message).not.toContain(WRITE_KEY);
      expect(message).not.toContain(HMAC_KEY);
    }
  });
});
