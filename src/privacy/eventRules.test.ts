import { BackstageEvent } from '../mapping/BackstageEvent';
import { admitsEvent } from './eventRules';
import { prepareExpressions } from './expressionEngine';
import { compileFieldMatcher, matchesWildcard, parseRegexLiteral, RULE_FIELDS_WORK } from './fieldMatcher';
import { EventRule } from './PrivacyConfig';

/** Every `/.../` rule field of this file, compiled by the engine before the tests run. */
const EXPRESSIONS = ['/^\\/admin/', '/secret/', '/SECRET/i', '/SECRET/', '/a.b/s', '/x/g', '/x/gy', '/object/', '/^.$/', '/\\p{Lu}/'];
beforeAll(() => prepareExpressions(EXPRESSIONS.map(text => parseRegexLiteral(text)!)));

describe('compileFieldMatcher', () => {
  it.each<[string, string, boolean]>([
    ['click', 'click', true],
    ['click', 'Click', false],
    ['click', 'clicks', false],
    ['*', '', true],
    ['*', 'anything at all', true],
    ['catalog*', 'catalog', true],
    ['catalog*', 'catalog-import', true],
    ['catalog*', 'my-catalog', false],
    ['*-page', 'entity-page', true],
    ['a*b*c', 'a--b--c', true],
    ['a*b*c', 'a--c--b', false],
    ['cost.center', 'cost.center', true],
    ['cost.center', 'costXcenter', false],
    ['(x)+[y]', '(x)+[y]', true],
    ['/^\\/admin/', '/admin/users', true],
    ['/^\\/admin/', '/docs/admin', false],
    ['/secret/', 'my secret plan', true],
    ['/SECRET/i', 'my secret plan', true],
    ['/SECRET/', 'my secret plan', false],
    ['/a.b/s', 'a\nb', true],
    ['/x/g', 'x', true],
    ['/', '/', true],
    ['//', '//', true],
    // Unicode mode: `.` is a code point, `\p{...}` a property.
    ['/^.$/', '😀', true],
    ['/\\p{Lu}/', 'abcÉ', true],
    ['/\\p{Lu}/', 'abc', false],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
    ['a**b', 'ab', true],
    ['a*b*c', 'abbc', true],
    ['*x*x*', 'x', false],
    ['*x*x*', 'xx', true],
    ['*.*', 'a\nb.c', true],
  ])('%j matches %j: %s', (rule, field, expected) => {
    expect(compileFieldMatcher(rule)(field)).toBe(expected);
  });

  it('a /g or /y expression answers the same when asked twice', () => {
    const m = compileFieldMatcher('/x/gy');
    expect([m('x'), m('x'), m('x')]).toEqual([true, true, true]);
  });

  it.each(['/(/', '/[/', '/x/q', '/x/v', '/\\-/', '/a{/'])(
    'an invalid expression %j throws (Unicode mode)',
    text => {
      expect(() => parseRegexLiteral(text)).toThrow(SyntaxError);
      expect(() => compileFieldMatcher(text)).toThrow(SyntaxError);
    },
  );

  it('an expression the engine has not compiled yet cannot tell (undefined)', () => {
    expect(compileFieldMatcher('/not compiled yet/')('not compiled yet')).toBeUndefined();
  });
});

describe('matchesWildcard', () => {
  it('reads each part once, left to right: a pattern of many stars on a long text', () => {
    const parts = `*${'ab*'.repeat(200)}c`.split('*');
    expect(matchesWildcard('*a*a*a*a*a*a*a*a*b'.split('*'), 'a'.repeat(20_000))).toBe(false);
    expect(matchesWildcard(parts, `${'ab'.repeat(50_000)}c`)).toBe(true);
    expect(matchesWildcard(parts, `${'ab'.repeat(50_000)}d`)).toBe(false);
    expect(matchesWildcard(parts, `${'ab'.repeat(199)}c`)).toBe(false);
  });
});

const rule = (r: Record<string, string>, ruleExpressions?: () => number): EventRule =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, compileFieldMatcher(v, 'expression', ruleExpressions)]));

const event = (action: string, subject: unknown, pluginId?: string): BackstageEvent =>
  ({ action, subject, context: { pluginId, routeRef: 'r', extension: 'E' } }) as BackstageEvent;

const search = event('search', 'kafka', 'search');
const click = event('click', 'Open', 'catalog');
const adminNav = event('navigate', '/admin/users', 'admin');
const docsNav = event('navigate', '/docs', 'techdocs');
const all = [search, click, adminNav, docsNav];

describe('admitsEvent', () => {
  it.each<[string, { include?: Record<string, string>[]; exclude?: Record<string, string>[] }, BackstageEvent[]]>([
    ['no rules: every event', {}, all],
    ['exclude by action', { exclude: [{ action: 'search' }] }, [click, adminNav, docsNav]],
    ['exclude by plugin with a wildcard', { exclude: [{ pluginId: 'tech*' }] }, [search, click, adminNav]],
    ['exclude by subject expression', { exclude: [{ subject: '/^\\/admin/' }] }, [search, click, docsNav]],
    ['every field of a rule must match', { exclude: [{ action: 'navigate', pluginId: 'catalog' }] }, all],
    ['any rule of the list', { exclude: [{ action: 'search' }, { action: 'click' }] }, [adminNav, docsNav]],
    ['include only', { include: [{ action: 'navigate' }] }, [adminNav, docsNav]],
    ['include then exclude', { include: [{ action: 'navigate' }], exclude: [{ pluginId: 'admin' }] }, [docsNav]],
    ['an empty include list sends nothing', { include: [] }, []],
    ['a wildcard matches a missing plugin id', { exclude: [{ pluginId: '*' }] }, []],
  ])('%s', (_name, rules, expected) => {
    const compiled = { include: rules.include?.map(r => rule(r)), exclude: (rules.exclude ?? []).map(r => rule(r)) };
    expect(all.filter(e => admitsEvent(e, compiled))).toEqual(expected);
  });

  it('a missing plugin id is the empty string, not a match for a name', () => {
    expect(admitsEvent(event('click', 'x'), { exclude: [rule({ pluginId: 'catalog' })] })).toBe(true);
  });

  it('matches hostile subjects as text without throwing', () => {
    const exclude = [rule({ subject: '/object/' })];
    const throwing = {
      toString() {
        throw new Error('no');
      },
    };
    expect(admitsEvent(event('click', { a: 1 }), { exclude })).toBe(false);
    expect(admitsEvent(event('click', throwing), { exclude })).toBe(true);
    expect(admitsEvent(event('click', Symbol('s')), { exclude })).toBe(true);
    expect(admitsEvent(event('click', 10n), { exclude: [rule({ subject: '10' })] })).toBe(false);
  });

  it('a rule that cannot tell yet drops the event, in include and exclude alike (fails closed)', () => {
    const unknown = rule({ subject: '/never compiled/' });
    expect(admitsEvent(search, { exclude: [unknown] })).toBe(false);
    expect(admitsEvent(search, { include: [unknown], exclude: [] })).toBe(false);
    // ... unless another field of the rule already rules it out.
    expect(admitsEvent(search, { exclude: [rule({ action: 'click', subject: '/never compiled/' })] })).toBe(true);
    expect(admitsEvent(search, { include: [unknown, rule({ action: 'search' })], exclude: [] })).toBe(true);
  });

  it('a costly expression (large counted repetitions) on a subject longer than it runs on in bounded time: dropped, included or excluded alike', async () => {
    const costly = '/token=[A-Za-z0-9]{20,200}/';
    await prepareExpressions([parseRegexLiteral(costly)!]);
    const long = event('click', `/docs/search?q=${'a'.repeat(2000)}&token=${'Z'.repeat(30)}`);
    const short = event('click', `/docs/search?q=x&token=${'Z'.repeat(30)}`);
    expect(admitsEvent(long, { exclude: [rule({ subject: costly })] })).toBe(false);
    expect(admitsEvent(long, { include: [rule({ subject: costly })], exclude: [] })).toBe(false);
    expect(admitsEvent(short, { exclude: [rule({ subject: costly })] })).toBe(false);
    expect(admitsEvent(event('click', '/docs/search?q=x'), { exclude: [rule({ subject: costly })] })).toBe(true);
  });

  it('many expression rules share one budget of characters per event: past its share of it, a subject cannot be told (dropped)', () => {
    // 200 expression rules in the config: each looks at RULE_FIELDS_WORK / 200 characters of a field.
    const share = RULE_FIELDS_WORK / 200;
    const many = rule({ subject: '/secret/' }, () => 200);
    const within = event('click', `${'a'.repeat(share - 6)}secret`);
    const beyond = event('click', `${'a'.repeat(share)}secret`);
    expect(admitsEvent(within, { exclude: [many] })).toBe(false);
    expect(admitsEvent(event('click', 'a'.repeat(share)), { exclude: [many] })).toBe(true);
    expect(admitsEvent(beyond, { exclude: [many] })).toBe(false);
    expect(admitsEvent(beyond, { include: [many], exclude: [] })).toBe(false);
    // Alone, the same expression reads the whole field.
    expect(admitsEvent(beyond, { include: [rule({ subject: '/secret/' })], exclude: [] })).toBe(true);
  });

  it('says when an event is dropped only because a rule could not tell, and not when a rule decided it', () => {
    const share = RULE_FIELDS_WORK / 200;
    const many = rule({ subject: '/secret/' }, () => 200);
    const beyond = event('click', `${'a'.repeat(share)}secret`);
    const said = (e: BackstageEvent, rules: Parameters<typeof admitsEvent>[1]) => {
      const undecided = jest.fn();
      const admitted = admitsEvent(e, rules, undecided);
      return [admitted, undecided.mock.calls.length];
    };
    expect(said(beyond, { exclude: [many] })).toEqual([false, 1]);
    expect(said(beyond, { include: [many], exclude: [] })).toEqual([false, 1]);
    // Decided by another rule: dropped (or let through) for a reason, nothing to say.
    expect(said(beyond, { exclude: [many, rule({ action: 'click' })] })).toEqual([false, 0]);
    expect(said(beyond, { include: [many, rule({ action: 'click' })], exclude: [] })).toEqual([true, 0]);
    expect(said(beyond, { include: [rule({ action: 'navigate' }), many], exclude: [] })).toEqual([false, 1]);
    expect(said(beyond, { include: [rule({ action: 'navigate' })], exclude: [many] })).toEqual([false, 0]);
    expect(said(event('click', 'short secret'), { exclude: [many] })).toEqual([false, 0]);
    expect(said(event('click', 'short'), { exclude: [many] })).toEqual([true, 0]);
  });

  it('does not change the event', () => {
    const e = Object.freeze(event('click', 'x', 'catalog'));
    expect(admitsEvent(e, { exclude: [rule({ action: 'click' })] })).toBe(false);
    expect(e).toEqual(event('click', 'x', 'catalog'));
  });
});
