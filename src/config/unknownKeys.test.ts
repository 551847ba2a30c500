import { ConfigReader } from '@backstage/config';
import { KNOWN_KEYS, readSegmentConfig } from './readSegmentConfig';
import { keyedErrorMessage as errorOf } from '../__testUtils__/configReading';

const TOP = `unknown key (expected one of ${KNOWN_KEYS[''].join(', ')})`;
const P = 'Invalid config app.analytics.segment.';

describe('keys under app.analytics.segment that the module does not read', () => {
  it.each<[string, object, string]>([
    ['maskIp', { maskIp: true }, `${P}maskIp: ${TOP}`],
    ['respectGlobalPrivacycontrol', { respectGlobalPrivacycontrol: true }, `${P}respectGlobalPrivacycontrol: ${TOP}`],
    [
      'agent.disableClientPersistance',
      { agent: { disableClientPersistance: true } },
      `${P}agent.disableClientPersistance: unknown key (expected one of disableClientPersistence, disableCookies, disableAutoISOConversion, initialPageView, initialPageview)`,
    ],
    ['batching.sise', { batching: { sise: 20 } }, `${P}batching.sise: unknown key (expected one of size, timeoutMs)`],
    ['writekey', { writekey: 'x' }, `${P}writekey: ${TOP}`],
  ])('%s is an error naming it in full, with the keys of its block', (_name, segment, message) => {
    expect(errorOf(segment)).toBe(message);
  });

  it('one error at a time: the values first, then a key the module does not read', () => {
    expect(errorOf({ maskIp: true, region: 'asia' })).toContain('app.analytics.segment.region');
  });

  it('with enabled: false nothing else is read, so nothing else is reported', () => {
    expect(readSegmentConfig(new ConfigReader({ app: { analytics: { segment: { enabled: false, maskIp: true } } } }))).toEqual({
      enabled: false,
    });
  });

  it('every known key reads without an error, also when given in more than one config file', () => {
    const segment = {
      ...Object.fromEntries(KNOWN_KEYS[''].map(k => [k, null])),
      writeKey: 'wk',
      agent: { disableClientPersistence: true, disableAutoISOConversion: true, initialPageView: true },
      batching: { size: 2, timeoutMs: 10 },
    };
    const configs = [
      { context: 'a', data: { app: { analytics: { segment } } } },
      { context: 'b', data: { app: { analytics: { segment: { region: 'eu', agent: { initialPageView: false } } } } } },
    ];
    expect(() => readSegmentConfig(ConfigReader.fromConfigs(configs))).not.toThrow();
    const twoFiles = [configs[0], { context: 'b', data: { app: { analytics: { segment: { maskIp: true } } } } }];
    expect(() => readSegmentConfig(ConfigReader.fromConfigs(twoFiles))).toThrow(`${P}maskIp: unknown key`);
  });
});
