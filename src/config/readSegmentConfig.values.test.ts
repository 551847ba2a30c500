import { DEFAULT_PRIVACY } from '../privacy/PrivacyConfig';
import { errorOf, read, readEnabled } from '../__testUtils__/configReading';

// Invalid values, endpoints, values from environment substitution: readSegmentConfig.test.ts has the defaults.
describe('readSegmentConfig', () => {
  describe('invalid values', () => {
    it.each<[string, unknown, string, RegExp]>([
      ['enabled: maybe', { enabled: 'maybe' }, 'enabled', /a boolean/],
      ['debug: a number', { writeKey: 'wk', debug: 7 }, 'debug', /a boolean/],
      ['testMode: an object', { writeKey: 'wk', testMode: { a: 1 } }, 'testMode', /a boolean/],
      ['maskIP: maybe', { writeKey: 'wk', maskIP: 'maybe' }, 'maskIP', /a boolean/],
      ['writeKey: a number', { writeKey: 12345 }, 'writeKey', /a string/],
      ['region: asia', { writeKey: 'wk', region: 'asia' }, 'region', /'us' or 'eu'/],
      ['cdnSettings: cdn', { writeKey: 'wk', cdnSettings: 'cdn' }, 'cdnSettings', /'remote' or 'local'/],
      ['userIdTransform: md5', { writeKey: 'wk', userIdTransform: 'md5' }, 'userIdTransform', /'none' or 'sha-256'/],
      ['identityTimeoutMs: -1', { writeKey: 'wk', identityTimeoutMs: -1 }, 'identityTimeoutMs', /a whole number from 0/],
      [
        'identityTimeoutMs: abc',
        { writeKey: 'wk', identityTimeoutMs: 'abc' },
        'identityTimeoutMs',
        /a whole number from 0/,
      ],
      ['batching.size: 0', { writeKey: 'wk', batching: { size: 0 } }, 'batching.size', /a whole number from 1/],
      ['batching.size: 1.5', { writeKey: 'wk', batching: { size: 1.5 } }, 'batching.size', /a whole number from 1/],
      [
        'batching.timeoutMs: 0',
        { writeKey: 'wk', batching: { timeoutMs: 0 } },
        'batching.timeoutMs',
        /a whole number from 1/,
      ],
      ['batching.size: 501', { writeKey: 'wk', batching: { size: 501 } }, 'batching.size', /a whole number from 1 to 500 /],
      [
        'batching.timeoutMs: 600001',
        { writeKey: 'wk', batching: { timeoutMs: 600_001 } },
        'batching.timeoutMs',
        /a whole number from 1 to 600000 /,
      ],
      ['identityTimeoutMs: 600001', { writeKey: 'wk', identityTimeoutMs: 600_001 }, 'identityTimeoutMs', /to 600000 /],
      ['consent.waitMs: 600001', { writeKey: 'wk', consent: { waitMs: 600_001 } }, 'consent.waitMs', /to 600000 /],
      ['batching: a string', { writeKey: 'wk', batching: 'yes' }, 'batching', /an object/],
      ['apiHost: ftp://x', { writeKey: 'wk', apiHost: 'ftp://x' }, 'apiHost', /'http:\/\/' or 'https:\/\/'/],
      ['cdnURL: not a url', { writeKey: 'wk', cdnURL: 'not a url' }, 'cdnURL', /'http:\/\/' or 'https:\/\/' URL/],
      [
        'agent.initialPageView: x',
        { writeKey: 'wk', agent: { initialPageView: 'x' } },
        'agent.initialPageView',
        /a boolean/,
      ],
      [
        'agent.disableClientPersistence: x',
        { writeKey: 'wk', agent: { disableClientPersistence: 'x' } },
        'agent.disableClientPersistence',
        /a boolean/,
      ],
      ['agent: a string', { writeKey: 'wk', agent: 'x' }, 'agent', /an object/],
    ])('%s throws naming the key and what it accepts', (_label, segment, key, accepts) => {
      const error = errorOf(segment);
      // The key is named in full, as the operator writes it, right before what it accepts.
      expect(error.message).toContain(`Invalid config app.analytics.segment.${key}: expected `);
      expect(error.message).toMatch(accepts);
    });

    it('a segment block that is not an object names app.analytics.segment itself', () => {
      const error = errorOf('oops');
      expect(error.message).toContain('Invalid config app.analytics.segment: expected an object');
    });

    it('the error tells the rejected value', () => {
      expect(errorOf({ writeKey: 'wk', region: 'asia' }).message).toContain("'asia'");
      expect(errorOf({ writeKey: 'wk', identityTimeoutMs: -1 }).message).toContain('-1');
    });
  });

  describe('apiHost and cdnURL', () => {
    it.each<[string, string, 'http' | 'https']>([
      ['http://127.0.0.1:4000/v1/', '127.0.0.1:4000/v1', 'http'],
      ['https://proxy.example.com/v1', 'proxy.example.com/v1', 'https'],
      ['HTTPS://proxy.example.com/v1//', 'proxy.example.com/v1', 'https'],
      ['proxy.example.com/v1', 'proxy.example.com/v1', 'https'],
      ['proxy.example.com/v1/', 'proxy.example.com/v1', 'https'],
    ])('apiHost %s -> %s over %s', (raw, apiHost, protocol) => {
      const config = readEnabled({ writeKey: 'wk', apiHost: raw });
      expect(config.apiHost).toBe(apiHost);
      expect(config.protocol).toBe(protocol);
    });

    it.each([
      ['https://cdn.example.com', 'https://cdn.example.com'],
      ['http://127.0.0.1:4000/', 'http://127.0.0.1:4000'],
    ])('cdnURL %s -> %s', (raw, expected) => {
      expect(readEnabled({ writeKey: 'wk', cdnURL: raw }).cdnURL).toBe(expected);
    });
  });

  describe('values from environment substitution (strings)', () => {
    it('accepts string booleans and numbers', () => {
      const config = readEnabled({
        enabled: 'true',
        writeKey: 'wk',
        debug: 'true',
        testMode: 'false',
        maskIP: 'true',
        identityTimeoutMs: '2500',
        agent: { disableClientPersistence: 'true', disableCookies: 'true', disableAutoISOConversion: 'false', initialPageView: 'true' },
      });
      expect(config).toMatchObject({
        enabled: true,
        debug: true,
        testMode: false,
        maskIP: true,
        identityTimeoutMs: 2500,
        agent: { disableClientPersistence: true, disableCookies: true, disableAutoISOConversion: false, initialPageView: true },
      });
    });

    it.each<[string, Record<string, unknown>, string, string]>([
      ["identityTimeoutMs: '' (an empty variable)", { identityTimeoutMs: '' }, 'identityTimeoutMs', '""'],
      ["identityTimeoutMs: '  '", { identityTimeoutMs: '  ' }, 'identityTimeoutMs', '"  "'],
      ["consent.waitMs: ''", { consent: { waitMs: '' } }, 'consent.waitMs', '""'],
      ["batching.size: '0x10'", { batching: { size: '0x10' } }, 'batching.size', '"0x10"'],
      ["batching.timeoutMs: '3e3'", { batching: { timeoutMs: '3e3' } }, 'batching.timeoutMs', '"3e3"'],
    ])('a number not spelled in decimal is an error, not read as a number: %s', (_label, segment, key, got) => {
      const error = errorOf({ writeKey: 'wk', ...segment });
      expect(error.message).toContain(`Invalid config app.analytics.segment.${key}: expected a whole number`);
      expect(error.message).toContain(`(got ${got})`);
    });

    it('the largest values accepted: batching.size 500, every time-out 600000 ms', () => {
      const max = { writeKey: 'wk', identityTimeoutMs: 600_000, batching: { size: 500, timeoutMs: 600_000 }, consent: { waitMs: 600_000 } };
      expect(readEnabled(max)).toMatchObject({ identityTimeoutMs: 600_000, batching: { size: 500, timeoutMs: 600_000 } });
    });

    it("numbers with blanks around or a plus sign are read: ' 2500 ', '+20'", () => {
      expect(readEnabled({ writeKey: 'wk', identityTimeoutMs: ' 2500 ', batching: { size: '+20' } })).toMatchObject({
        identityTimeoutMs: 2500,
        batching: { size: 20 },
      });
    });

    it("enabled: 'false' disables", () => {
      expect(read({ enabled: 'false' })).toStrictEqual({ enabled: false });
    });
  });

  describe('other values read as given', () => {
    it('reads every key', () => {
      expect(
        read({
          writeKey: 'wk',
          debug: true,
          testMode: true,
          userIdTransform: 'sha-256',
          userIdSalt: 'pepper',
          identityTimeoutMs: 0,
          region: 'eu',
          cdnURL: 'https://cdn.example.com',
          cdnSettings: 'local',
          batching: { size: 5, timeoutMs: 100 },
          maskIP: true,
          agent: { disableClientPersistence: true, disableCookies: true, disableAutoISOConversion: true, initialPageView: true },
        }),
      ).toStrictEqual({
        enabled: true,
        writeKey: 'wk',
        debug: true,
        testMode: true,
        userIdTransform: 'sha-256',
        userIdSalt: 'pepper',
        callSettings: expect.any(String),
        identityTimeoutMs: 0,
        apiHost: 'events.eu1.segmentapis.com/v1',
        protocol: 'https',
        cdnURL: 'https://cdn.example.com',
        cdnSettings: 'local',
        emptyEndpoints: undefined,
        batching: { size: 5, timeoutMs: 100 },
        maskIP: true,
        privacy: DEFAULT_PRIVACY,
        agent: { disableClientPersistence: true, disableCookies: true, disableAutoISOConversion: true, initialPageView: true },
        team: { groups: false, extraProperties: {}, eventNames: {} },
      });
    });
  });
});
