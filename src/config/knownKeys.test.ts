import { ConfigReader } from '@backstage/config';
import { closestKey, KNOWN_KEYS } from './knownKeys';
import { readSegmentConfig } from './readSegmentConfig';

function errorOf(segment: object): string {
  try {
    readSegmentConfig(new ConfigReader({ app: { analytics: { segment: { writeKey: 'wk', ...segment } } } }));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(segment)}`);
}

describe('unknown keys under app.analytics.segment', () => {
  it.each<[string, object, string]>([
    ['maskIp', { maskIp: true }, "Invalid config app.analytics.segment.maskIp: unknown key (did you mean 'maskIP'?)"],
    [
      'respectGlobalPrivacycontrol',
      { respectGlobalPrivacycontrol: true },
      "Invalid config app.analytics.segment.respectGlobalPrivacycontrol: unknown key (did you mean 'respectGlobalPrivacyControl'?)",
    ],
    [
      'agent.disableClientPersistance',
      { agent: { disableClientPersistance: true } },
      "Invalid config app.analytics.segment.agent.disableClientPersistance: unknown key (did you mean 'disableClientPersistence'?)",
    ],
    ['batching.sise', { batching: { sise: 20 } }, "Invalid config app.analytics.segment.batching.sise: unknown key (did you mean 'size'?)"],
    ['enable', { enable: false }, "Invalid config app.analytics.segment.enable: unknown key (did you mean 'enabled'?)"],
    ['writekey', { writekey: 'x' }, "Invalid config app.analytics.segment.writekey: unknown key (did you mean 'writeKey'?)"],
    ['agent.persist', { agent: { persist: false } }, 'Invalid config app.analytics.segment.agent.persist: unknown key (expected one of disableClientPersistence, disableAutoISOConversion, initialPageView)'],
    ['zzz', { zzz: 1 }, `Invalid config app.analytics.segment.zzz: unknown key (expected one of ${Object.keys(KNOWN_KEYS).join(', ')})`],
  ])('%s is an error naming it, with the key it likely stands for', (_name, segment, message) => {
    expect(errorOf(segment)).toBe(message);
  });

  it('a misspelled key is reported before the values of the keys it sits among', () => {
    expect(errorOf({ maskIp: true, region: 'asia' })).toContain('app.analytics.segment.maskIp');
  });

  it('with enabled: false nothing else is read, so nothing else is reported', () => {
    expect(readSegmentConfig(new ConfigReader({ app: { analytics: { segment: { enabled: false, maskIp: true } } } }))).toEqual({
      enabled: false,
    });
  });

  it('every key declared in the config reads without an error', () => {
    expect(() =>
      readSegmentConfig(
        new ConfigReader({
          app: {
            analytics: {
              segment: {
                writeKey: 'wk',
                ...Object.fromEntries(Object.keys(KNOWN_KEYS).filter(k => k !== 'writeKey').map(k => [k, null])),
                agent: { disableClientPersistence: true, disableAutoISOConversion: true, initialPageView: true },
                batching: { size: 2, timeoutMs: 10 },
              },
            },
          },
        }),
      ),
    ).not.toThrow();
  });
});

describe('closestKey', () => {
  const known = ['maskIP', 'region', 'writeKey', 'size', 'timeoutMs'];
  it.each<[string, string | undefined]>([
    ['MASKIP', 'maskIP'],
    ['regoin', 'region'],
    ['writeKy', 'writeKey'],
    ['timeout', 'timeoutMs'],
    ['sise', 'size'],
    ['colour', undefined],
    ['x', undefined],
  ])('%j -> %j', (name, expected) => {
    expect(closestKey(name, known)).toBe(expected);
  });
});
