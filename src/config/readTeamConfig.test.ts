import { ConfigReader } from '@backstage/config';
import { readSegmentConfig } from './readSegmentConfig';
import { TeamConfig } from './readTeamConfig';
import { keyedErrorMessage as errorOf } from '../__testUtils__/configReading';

/** The team part of a config read the way fromConfig reads it. */
function team(keys: Record<string, unknown>): TeamConfig {
  const config = readSegmentConfig(new ConfigReader({ app: { analytics: { segment: { writeKey: 'wk', ...keys } } } } as any));
  if (!config.enabled) throw new Error('expected an enabled config');
  return config.team;
}

describe('readTeamConfig', () => {
  it('defaults: no groups, no extra properties, no renamed events', () => {
    expect(team({})).toStrictEqual({ groups: false, extraProperties: {}, eventNames: {} });
  });

  it('is not read at all when analytics is disabled', () => {
    const config = readSegmentConfig(new ConfigReader({ app: { analytics: { segment: { enabled: false, groups: 'x' } } } }));
    expect(config).toStrictEqual({ enabled: false });
  });

  describe('groups', () => {
    it.each<[string, unknown, TeamConfig['groups']]>([
      ['absent', undefined, false],
      ['false', false, false],
      ['true: at most 10', true, { limit: 10 }],
      ["'true' (an environment variable)", 'true', { limit: 10 }],
      ["'false' (an environment variable)", 'false', false],
      ['an empty object: on, at most 10', {}, { limit: 10 }],
      ['a limit alone turns it on', { limit: 3 }, { limit: 3 }],
      ['enabled with a limit', { enabled: true, limit: 25 }, { limit: 25 }],
      ['enabled: false wins over a limit', { enabled: false, limit: 3 }, false],
      ["a limit as a string '5'", { limit: '5' }, { limit: 5 }],
      ["enabled: 'false' as a string", { enabled: 'false' }, false],
      ["'yes', 'off', enabled: 'On' (spelled as Backstage's own keys accept)", 'yes', { limit: 10 }],
      ["'off'", 'off', false],
      ["enabled: ' On '", { enabled: ' On ' }, { limit: 10 }],
      ['limit 1', { limit: 1 }, { limit: 1 }],
      ['limit 100', { limit: 100 }, { limit: 100 }],
    ])('%s', (_label, groups, expected) => {
      expect(team(groups === undefined ? {} : { groups }).groups).toStrictEqual(expected);
    });

    it.each<[string, unknown, RegExp]>([
      ['a number', 3, /segment\.groups: expected true, false, or an object .*got 3/],
      ['a string', 'always', /segment\.groups: expected true, false, or an object .*got "always"/],
      ['a list', ['group:default/a'], /segment\.groups: .*got a list/],
      ['limit 0', { limit: 0 }, /segment\.groups\.limit: expected a whole number from 1 to 100 \(got 0\)/],
      ['limit 101', { limit: 101 }, /segment\.groups\.limit: expected a whole number from 1 to 100 \(got 101\)/],
      ['a fractional limit', { limit: 2.5 }, /segment\.groups\.limit: .*got 2\.5/],
      ['a negative limit', { limit: -1 }, /segment\.groups\.limit/],
      ['a limit that is not a number', { limit: 'ten' }, /segment\.groups\.limit: .*got "ten"/],
      ["a limit in hexadecimal '0x5'", { limit: '0x5' }, /segment\.groups\.limit: .*got "0x5"/],
      ["a limit with an exponent '1e1'", { limit: '1e1' }, /segment\.groups\.limit: .*got "1e1"/],
      ['a limit of true', { limit: true }, /segment\.groups\.limit: .*got true/],
      ['enabled that is not a boolean', { enabled: 'sometimes' }, /segment\.groups\.enabled: expected a boolean .*got "sometimes"/],
      ['an unknown key', { max: 3 }, /segment\.groups\.max: unknown key \(expected one of enabled, limit\)/],
    ])('rejects %s, naming the key', (_label, groups, message) => {
      expect(errorOf({ groups })).toMatch(message);
      expect(errorOf({ groups })).toMatch(/^Invalid config app\.analytics\.segment\.groups/);
    });
  });

  describe('extraProperties', () => {
    it('a flat map of strings, kept in order', () => {
      const { extraProperties } = team({ extraProperties: { environment: 'production', portal: 'acme-internal' } });
      expect(extraProperties).toStrictEqual({ environment: 'production', portal: 'acme-internal' });
      expect(Object.keys(extraProperties)).toEqual(['environment', 'portal']);
    });

    it('names with dots and odd characters are taken as they are', () => {
      expect(team({ extraProperties: { 'app.version': '1.2', 'team name': 'x' } }).extraProperties).toStrictEqual({
        'app.version': '1.2',
        'team name': 'x',
      });
    });

    it("a null value is Backstage's 'unset': the name is left out", () => {
      expect(team({ extraProperties: { environment: null, portal: 'acme' } }).extraProperties).toStrictEqual({ portal: 'acme' });
    });

    it('values are trimmed', () => {
      expect(team({ extraProperties: { environment: '  production ' } }).extraProperties).toStrictEqual({
        environment: 'production',
      });
    });

    it.each<[string, unknown, RegExp]>([
      ['a string', 'production', /segment\.extraProperties: expected a map of property names to strings \(got "production"\)/],
      ['a list', ['a'], /segment\.extraProperties: .*got a list/],
      ['a number value', { version: 2 }, /segment\.extraProperties\.version: expected a non-empty string .*got 2/],
      ['a boolean value', { beta: true }, /segment\.extraProperties\.beta: .*got true/],
      ['a nested object', { team: { name: 'a' } }, /segment\.extraProperties\.team: .*got an object/],
      ['an empty value', { environment: '' }, /segment\.extraProperties\.environment: .*got ""/],
      [
        'more than 16 KB in all, which every call would carry',
        Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`key${i}`, 'value-of-some-length'])),
        /segment\.extraProperties: expected at most 16384 bytes as JSON .*got 4\d{4}/,
      ],
      [
        'more than 16 KB as UTF-8, though fewer characters',
        Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k${i}`, '漢'.repeat(1000)])),
        /segment\.extraProperties: expected at most 16384 bytes as JSON .*got 18\d{3}/,
      ],
      ['a blank value', { environment: '   ' }, /segment\.extraProperties\.environment/],
    ])('rejects %s, naming the key', (_label, extraProperties, message) => {
      expect(errorOf({ extraProperties })).toMatch(message);
    });
  });

  it('extraProperties up to 16 KB as JSON are accepted', () => {
    // {"big":"..."}: 10 bytes around the value.
    const extraProperties = { big: 'x'.repeat(16 * 1024 - 10) };
    expect(team({ extraProperties }).extraProperties).toStrictEqual(extraProperties);
  });

  describe('eventNames', () => {
    it('a map from action to event name', () => {
      expect(team({ eventNames: { click: 'Link Clicked', search: 'Search Performed', create: 'Entity Created' } }).eventNames).toStrictEqual({
        click: 'Link Clicked',
        search: 'Search Performed',
        create: 'Entity Created',
      });
    });

    it('an action named __proto__ changes no prototype', () => {
      const { eventNames } = team({ eventNames: JSON.parse('{"__proto__": {"click": "Forged"}, "search": "Search Performed"}') });
      expect(Object.getPrototypeOf(eventNames)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(eventNames, 'click')).toBe(false);
      expect(({} as Record<string, unknown>).click).toBeUndefined();
      expect(eventNames.search).toBe('Search Performed');
    });

    it.each<[string, unknown, RegExp]>([
      ['a string', 'Link Clicked', /segment\.eventNames: expected a map of Backstage actions to Segment event names/],
      ['navigate, which is a page call', { navigate: 'Page Viewed' }, /segment\.eventNames\.navigate: expected an action other than 'navigate'/],
      ['a number name', { click: 1 }, /segment\.eventNames\.click: expected a non-empty string .*got 1/],
      ['an empty name', { click: '' }, /segment\.eventNames\.click/],
    ])('rejects %s, naming the key', (_label, eventNames, message) => {
      expect(errorOf({ eventNames })).toMatch(message);
    });
  });
});
