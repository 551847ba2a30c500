import { compiledExpression, prepareExpressions } from './expressionEngine';
import { REDACTED } from './PrivacyConfig';
import { parseUserExpression, UserExpression } from './userExpression';

const parse = (source: string, flags = '') => parseUserExpression(source, flags, 'redact.patterns[0]');

/** What JavaScript (Unicode mode) would make of `text`: each non-empty match redacted. */
const jsRedacted = (source: string, flags: string, text: string) =>
  text.replace(new RegExp(source, `${flags}gu`), match => (match ? REDACTED : match));

// Ordinary expressions and texts: the engine finds what JavaScript finds.
const SAME_AS_JAVASCRIPT: Array<[string, string, string]> = [
  ['\\bINC-\\d+\\b', '', 'see INC-42 and INC-7, not XINC-1 or INC-'],
  ['secret-\\w+', '', 'a secret-abc_1 and secret- and secret-x'],
  ['\\d{4}(?:[ -]?\\d{4}){3}', '', 'card 1234 5678 9012 3456 or 1234-5678-9012-3456 or 12345678'],
  ['jane\\s+doe', '', 'jane doe, jane\u00a0doe, jane\u2003doe, jane\tdoe, janedoe'],
  ['a\\S+b', '', 'a\u00a0b axxb a b'],
  ['x.y', '', 'x\ny x\ry x\u2028y xzy x😀y'],
  ['x.y', 's', 'x\ny x\ry xzy'],
  ['^line', 'm', 'line one\nline two\r\nline'],
  ['KAFKA', 'i', 'kafka Kafka KAFKA'],
  ['(?<=user:)[\\w.-]+', '', 'owner user:jane.doe and group:x user:bob'],
  ['(?<!@)\\bexample\\b', '', 'example @example example'],
  ['(?<team>[a-z]+)-team', '', 'the platform-team and data-team'],
  ['[\\b]', '', 'a\bb'],
  ['\\p{Lu}\\p{Ll}+', '', 'Élodie and Zoë and x'],
  ['😀+', '', 'a😀😀b😀'],
  ['[^]', '', 'ab'],
  ['a|ab', '', 'ab abab'],
  ['a*', '', 'baaab'],
  ['\\u{1F600}', '', 'x😀x'],
  ['[\\s\\d]+', '', 'a 1\u00a02 b'],
];

describe('the linear-time engine', () => {
  const parsed = SAME_AS_JAVASCRIPT.map(([source, flags]) => parse(source, flags));
  beforeAll(() => prepareExpressions(parsed));

  it.each(SAME_AS_JAVASCRIPT.map((row, i) => [...row, i] as const))(
    '%j (flags %j) matches in %j where JavaScript does',
    (source, flags, text, i) => {
      expect(compiledExpression(parsed[i])!.redact(text, REDACTED)).toBe(jsRedacted(source, flags, text));
      expect(compiledExpression(parsed[i])!.test(text)).toBe(new RegExp(source, `${flags}u`).test(text));
    },
  );

  it('runs in linear time what makes JavaScript backtrack for ever', async () => {
    const nested = parse('(a+)+$');
    const polynomial = parse('a*a*a*a*a*b');
    await prepareExpressions([nested, polynomial]);
    const text = `${'a'.repeat(30_000)}!`;
    expect(compiledExpression(nested)!.redact(text, REDACTED)).toBe(text);
    expect(compiledExpression(polynomial)!.test(text)).toBe(false);
  });

  it.each<[string, string]>([
    ['(?=x)a', 'a lookahead ((?=) cannot run in linear time and is not supported'],
    ['a(?!x)', 'a lookahead ((?!) cannot run in linear time and is not supported'],
    ['(a)\\1', 'a back-reference (\\1) cannot run in linear time and is not supported'],
    ['(?<n>a)\\k<n>', 'a back-reference (\\k) cannot run in linear time and is not supported'],
  ])('refuses %j, naming the key: %s', async (source, why) => {
    await expect(prepareExpressions([parseUserExpression(source, '', 'events.include[2].subject')])).rejects.toThrow(
      new Error(
        `Invalid config app.analytics.segment.events.include[2].subject: expected a regular expression the linear-time engine can run (${why})`,
      ),
    );
  });

  it('leaves escaped parentheses, brackets and dots as written', async () => {
    const escaped = parse('\\(\\[\\.\\]\\)|[(.)]');
    await prepareExpressions([escaped]);
    expect(compiledExpression(escaped)!.redact('a([.]) x(.)y .', REDACTED)).toBe(`a${REDACTED} x${REDACTED}${REDACTED}${REDACTED}y ${REDACTED}`);
  });

  it('refuses, naming the key, what JavaScript accepts but the engine cannot run', async () => {
    const greek: UserExpression = parseUserExpression('\\p{Script=Greek}', '', 'redact.patterns[3]');
    await expect(prepareExpressions([greek])).rejects.toThrow(
      /^Invalid config app\.analytics\.segment\.redact\.patterns\[3\]: expected a regular expression the linear-time engine can run \(/,
    );
    expect(compiledExpression(greek)).toBeUndefined();
  });
});

describe('parseUserExpression', () => {
  it.each<[string, string, string]>([
    ['a', 'v', "Invalid flags supplied to RegExp constructor 'vu'"],
    ['(unclosed', '', 'Invalid regular expression: /(unclosed/u: Unterminated group'],
    ['\\-', '', 'Invalid regular expression: /\\-/u: Invalid escape'],
    ['a', 'ii', "Invalid flags supplied to RegExp constructor 'iiu'"],
  ])('%j with flags %j is refused: %s', (source, flags, message) => {
    expect(() => parse(source, flags)).toThrow(new SyntaxError(message));
  });

  it('keeps the key and the flags that change a match', () => {
    expect(parseUserExpression('x', 'gimsuyd', 'events.exclude[3].subject')).toEqual({
      key: 'events.exclude[3].subject',
      source: 'x',
      flags: 'ims',
    });
  });
});
