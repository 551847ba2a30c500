import { ConfigReader } from '@backstage/config';
import { BackstageEvent } from '../mapping/BackstageEvent';
import { admitsEvent } from '../privacy/eventRules';
import { BUILT_IN_QUERY_PARAMS, DEFAULT_PRIVACY } from '../privacy/PrivacyConfig';
import { readPrivacyConfig } from './readPrivacyConfig';
import { prepareExpressions } from '../privacy/expressionEngine';
import { readSegmentConfig } from './readSegmentConfig';
import { keyedErrorMessage as errorOf } from '../__testUtils__/configReading';

const read = (segment: object) => readPrivacyConfig(new ConfigReader(segment as any));

const ev = (action: string, subject: string, pluginId = 'catalog') =>
  ({ action, subject, context: { pluginId } }) as BackstageEvent;

describe('readPrivacyConfig', () => {
  it('no key set: only the built-in query parameters, every event, every key', () => {
    expect(readPrivacyConfig(undefined)).toStrictEqual(DEFAULT_PRIVACY);
    expect(read({})).toStrictEqual(DEFAULT_PRIVACY);
  });

  it('readSegmentConfig carries it', () => {
    const config = readSegmentConfig(new ConfigReader({ app: { analytics: { segment: { writeKey: 'wk', redact: { emails: true } } } } }));
    expect(config.enabled && [config.privacy?.emails, config.privacy?.userPatterns]).toEqual([true, []]);
  });

  it.each([
    ['yes', true],
    [' ON ', true],
    ['1', true],
    [1, true],
    ['no', false],
    ['Off', false],
    [0, false],
  ])('boolean keys take %j as Backstage\'s own keys (enabled, maskIP) do: %s', (spelled, expected) => {
    const privacy = read({ redact: { emails: spelled }, respectGlobalPrivacyControl: spelled });
    expect([privacy.emails, privacy.respectGlobalPrivacyControl]).toEqual([expected, expected]);
  });

  it('an empty exclude list is allowed (it excludes nothing)', () => {
    const privacy = read({ events: { exclude: [] } });
    expect([privacy.include, privacy.exclude]).toEqual([undefined, []]);
  });

  it('reads every key', async () => {
    const privacy = read({
      redact: { queryParams: ['Session', ' X-Ticket '], searchTerms: 'sha-256', patterns: ['\\d{4}', 'secret-\\w+'], emails: true },
      events: { include: [{ pluginId: 'catalog' }, { action: 'search' }], exclude: [{ subject: '/^\\/admin/' }] },
      allowedAttributes: ['to'],
      allowedContexts: ['entityRef', 'searchTypes'],
      respectGlobalPrivacyControl: true,
    });
    expect([...privacy.queryParams]).toEqual([...BUILT_IN_QUERY_PARAMS, 'session', 'x-ticket']);
    expect(privacy.searchTerms).toBe('sha-256');
    expect(privacy.emails).toBe(true);
    // The user's patterns, checked, for the linear-time engine (with the rules' expressions).
    expect(privacy.userPatterns).toEqual([
      { key: 'redact.patterns[0]', source: '\\d{4}', flags: '' },
      { key: 'redact.patterns[1]', source: 'secret-\\w+', flags: '' },
    ]);
    expect(privacy.expressions).toEqual([...privacy.userPatterns, { key: 'events.exclude[0].subject', source: '^\\/admin', flags: '' }]);
    await prepareExpressions(privacy.expressions);
    expect(privacy.allowedAttributes).toEqual(new Set(['to']));
    expect(privacy.allowedContexts).toEqual(new Set(['entityRef', 'searchTypes']));
    expect(privacy.respectGlobalPrivacyControl).toBe(true);
    const admitted = [ev('click', 'x'), ev('search', 'x', 'search'), ev('navigate', '/admin/x'), ev('click', 'x', 'other')].map(
      e => admitsEvent(e, privacy),
    );
    expect(admitted).toEqual([true, true, false, false]);
  });

  it.each<[unknown, string]>([
    [true, 'redact'],
    ['true', 'redact'],
    [false, 'keep'],
    ['sha-256', 'sha-256'],
    // spelled as every boolean key is (an environment variable's value)
    ['yes', 'redact'],
    [' ON ', 'redact'],
    ['1', 'redact'],
    ['no', 'keep'],
    ['off', 'keep'],
    ['false', 'keep'],
  ])('redact.searchTerms %j', (value, expected) => {
    expect(read({ redact: { searchTerms: value } }).searchTerms).toBe(expected);
  });

  it.each([[['*']], [['to', '*']]])("allow-list %j is '*'", list => {
    expect(read({ allowedAttributes: list, allowedContexts: list })).toMatchObject({ allowedAttributes: '*', allowedContexts: '*' });
  });

  it('an empty allow-list keeps nothing', () => {
    expect(read({ allowedAttributes: [] }).allowedAttributes).toEqual(new Set());
  });
});

describe('readPrivacyConfig errors name the full key', () => {
  const P = 'Invalid config app.analytics.segment.';
  it.each<[string, object, string]>([
    ['redact not an object', { redact: true }, `${P}redact: expected an object with queryParams, searchTerms, patterns, emails (got true)`],
    ['unknown key in redact', { redact: { email: true } }, `${P}redact.email: unknown key (expected one of queryParams, searchTerms, patterns, emails)`],
    ['queryParams not a list', { redact: { queryParams: 'code' } }, `${P}redact.queryParams: expected a list of strings (got "code")`],
    ['queryParams item', { redact: { queryParams: ['a', 3] } }, `${P}redact.queryParams[1]: expected a non-empty string (got 3)`],
    ['queryParams empty item', { redact: { queryParams: [' '] } }, `${P}redact.queryParams[0]: expected a non-empty string (got " ")`],
    ['searchTerms', { redact: { searchTerms: 'md5' } }, `${P}redact.searchTerms: expected true, false or 'sha-256' (got "md5")`],
    ['emails', { redact: { emails: 'maybe' } }, `${P}redact.emails: expected a boolean (true or false) (got "maybe")`],
    ['patterns item', { redact: { patterns: ['ok', 'fine', '(unclosed'] } }, `${P}redact.patterns[2]: expected a valid regular expression (`],
    ['patterns not strings', { redact: { patterns: [{}] } }, `${P}redact.patterns[0]: expected a non-empty string (got an object)`],
    ['events not an object', { events: [] }, `${P}events: expected an object with include, exclude (got a list)`],
    ['events unknown key', { events: { drop: [] } }, `${P}events.drop: unknown key (expected one of include, exclude)`],
    ['exclude not a list', { events: { exclude: { action: 'x' } } }, `${P}events.exclude: expected a list of rules { action?, pluginId?, subject? } (got an object)`],
    ['rule not an object', { events: { include: ['click'] } }, `${P}events.include[0]: expected an object with action, pluginId, subject (got "click")`],
    ['rule unknown key', { events: { exclude: [{ action: 'a' }, { actoin: 'click' }] } }, `${P}events.exclude[1].actoin: unknown key (expected one of action, pluginId, subject)`],
    ['empty rule', { events: { exclude: [{}] } }, `${P}events.exclude[0]: expected a rule with at least one of action, pluginId, subject (got an empty rule)`],
    ['empty include list (it would send nothing)', { events: { include: [] } }, `${P}events.include: expected at least one rule (leave the key out to send every event) (got [])`],
    ['rule field type', { events: { exclude: [{ pluginId: 5 }] } }, `${P}events.exclude[0].pluginId: expected a non-empty string (got 5)`],
    ['rule regex', { events: { exclude: [{ action: 'x' }, { subject: '/[/' }] } }, `${P}events.exclude[1].subject: expected a name, a pattern with '*', or a valid /regular expression/ (`],
    ['patterns outside Unicode mode', { redact: { patterns: ['[\\w-.]'] } }, `${P}redact.patterns[0]: expected a valid regular expression (Invalid regular expression: /[\\w-.]/u: Invalid character class)`],
    ['allowedAttributes', { allowedAttributes: 'to' }, `${P}allowedAttributes: expected a list of strings (got "to")`],
    ['allowedContexts item', { allowedContexts: ['entityRef', null] }, `${P}allowedContexts[1]: expected a non-empty string (got null)`],
    ['respectGlobalPrivacyControl', { respectGlobalPrivacyControl: 2 }, `${P}respectGlobalPrivacyControl: expected a boolean (true or false) (got 2)`],
  ])('%s', (_name, segment, message) => {
    expect(errorOf(segment).startsWith(message)).toBe(true);
    expect(errorOf(segment)).toContain(message);
  });
});
