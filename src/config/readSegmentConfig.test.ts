import { ConfigReader } from '@backstage/config';
import { readSegmentConfig } from './readSegmentConfig';
import { EnabledSegmentConfig } from './SegmentConfig';
import { DEFAULT_PRIVACY } from '../privacy/PrivacyConfig';
import { errorOf, read, readEnabled } from '../__testUtils__/configReading';

describe('readSegmentConfig', () => {
  describe('defaults', () => {
    it('fills every default from a config holding only the write key', () => {
      expect(read({ writeKey: 'wk' })).toStrictEqual({
        enabled: true,
        writeKey: 'wk',
        debug: false,
        testMode: false,
        userIdTransform: 'none',
        userIdSalt: undefined,
        callSettings: expect.any(String),
        identityTimeoutMs: 5000,
        apiHost: 'api.segment.io/v1',
        protocol: 'https',
        cdnURL: undefined,
        cdnSettings: 'remote',
        emptyEndpoints: undefined,
        batching: undefined,
        maskIP: false,
        privacy: DEFAULT_PRIVACY,
        agent: {
          disableClientPersistence: false,
          disableCookies: false,
          disableAutoISOConversion: false,
          initialPageView: false,
        },
        team: { groups: false, extraProperties: {}, eventNames: {} },
      });
    });

    it.each<[string, (c: EnabledSegmentConfig) => unknown, unknown]>([
      ['enabled', c => c.enabled, true],
      ['debug', c => c.debug, false],
      ['testMode', c => c.testMode, false],
      ['userIdTransform', c => c.userIdTransform, 'none'],
      ['userIdSalt', c => c.userIdSalt, undefined],
      ['identityTimeoutMs', c => c.identityTimeoutMs, 5000],
      ['apiHost', c => c.apiHost, 'api.segment.io/v1'],
      ['protocol', c => c.protocol, 'https'],
      ['cdnURL', c => c.cdnURL, undefined],
      ['cdnSettings', c => c.cdnSettings, 'remote'],
      ['batching', c => c.batching, undefined],
      ['maskIP', c => c.maskIP, false],
      ['agent.disableClientPersistence', c => c.agent.disableClientPersistence, false],
      ['agent.disableCookies', c => c.agent.disableCookies, false],
      ['agent.disableAutoISOConversion', c => c.agent.disableAutoISOConversion, false],
      ['agent.initialPageView', c => c.agent.initialPageView, false],
    ])('%s defaults to %p', (_key, pick, expected) => {
      expect(pick(readEnabled({ writeKey: 'wk' }))).toStrictEqual(expected);
    });

    it.each([
      [{ initialPageview: true }, true],
      [{ initialPageview: 'yes' }, true],
      [{ initialPageview: false }, false],
      [{ initialPageView: false, initialPageview: true }, true],
    ])("agent %j: the library's own spelling, which the public plugin passed on, is the same option", (agent, expected) => {
      expect(readEnabled({ writeKey: 'wk', agent }).agent.initialPageView).toBe(expected);
    });

    it.each([
      ['us', 'api.segment.io/v1'],
      ['eu', 'events.eu1.segmentapis.com/v1'],
    ])('region %s sends to %s over https', (region, apiHost) => {
      const config = readEnabled({ writeKey: 'wk', region });
      expect(config.apiHost).toBe(apiHost);
      expect(config.protocol).toBe('https');
    });

    it('an explicit apiHost wins over the region', () => {
      expect(readEnabled({ writeKey: 'wk', region: 'eu', apiHost: 'proxy.example.com/seg' }).apiHost).toBe(
        'proxy.example.com/seg',
      );
    });
  });

  describe('batching', () => {
    it.each<[unknown, { size: number; timeoutMs: number } | undefined]>([
      [undefined, undefined],
      [{}, undefined],
      [{ size: 20 }, { size: 20, timeoutMs: 5000 }],
      [{ timeoutMs: 1000 }, { size: 10, timeoutMs: 1000 }],
      [{ size: 3, timeoutMs: 250 }, { size: 3, timeoutMs: 250 }],
      [{ size: '7', timeoutMs: '700' }, { size: 7, timeoutMs: 700 }],
      [{ size: 100 }, { size: 100, timeoutMs: 5000 }],
      // The module's batcher costs each event the same at any size: batches are the size asked for.
      [{ size: 101 }, { size: 101, timeoutMs: 5000 }],
      [{ size: 500, timeoutMs: 2000 }, { size: 500, timeoutMs: 2000 }],
    ])('batching %j reads as %j', (batching, expected) => {
      expect(readEnabled({ writeKey: 'wk', batching }).batching).toStrictEqual(expected);
    });
  });

  describe('enabled and the write key', () => {
    it('enabled: false without a write key is just { enabled: false }', () => {
      expect(read({ enabled: false })).toStrictEqual({ enabled: false });
    });

    it('enabled: false with other keys set is still just { enabled: false }', () => {
      expect(read({ enabled: false, writeKey: 'wk', debug: true, region: 'eu' })).toStrictEqual({ enabled: false });
    });

    it('no app.analytics.segment block at all is an error: the write key is missing', () => {
      expect(() => readSegmentConfig(new ConfigReader({}))).toThrow('app.analytics.segment.writeKey');
    });

    it.each([
      ['absent', {}],
      ["empty (an environment variable set to '')", { writeKey: '' }],
      ['blank', { writeKey: '  ' }],
    ])('test mode needs no write key: %s', (_label, segment) => {
      const config = readEnabled({ testMode: true, ...segment });
      expect(config.testMode).toBe(true);
      expect(config.writeKey).toBe('');
    });

    it.each([
      ['absent', {}],
      ['blank', { writeKey: '   ' }],
      ['absent with enabled: true', { enabled: true }],
    ])('a write key that is %s while enabled is an error naming the key', (_label, segment) => {
      const error = errorOf(segment);
      expect(error.message).toContain('app.analytics.segment.writeKey');
      expect(error.message).toMatch(/required/);
    });

    it('an empty write key while enabled is the missing key error', () => {
      expect(errorOf({ writeKey: '' }).message).toMatch(/app\.analytics\.segment\.writeKey.*required/);
    });

    it('trims the write key', () => {
      expect(readEnabled({ writeKey: '  wk  ' }).writeKey).toBe('wk');
    });
  });

});
