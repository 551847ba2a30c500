import { JSON_SAFE_MARKERS } from '../mapping/toJsonSafe';
import { compiledExpression, MAX_MATCHED_CHARS, matchedChars, prepareExpressions } from './expressionEngine';
import { REDACTED } from './PrivacyConfig';
import { parseUserExpression } from './userExpression';
import { withUserPatterns } from './userPatterns';

const R = REDACTED;
const patterns = (...sources: string[]) => sources.map((source, i) => parseUserExpression(source, '', `redact.patterns[${i}]`));
const identity = (text: string) => text;

describe('withUserPatterns', () => {
  it('without patterns is the base redactor itself', () => {
    expect(withUserPatterns(identity, { userPatterns: [] })).toBe(identity);
  });

  it('before the engine has compiled the patterns, fails closed: every non-empty string is redacted whole', () => {
    const redact = withUserPatterns(identity, { userPatterns: patterns('never-prepared-\\d+') });
    expect(redact('nothing to see')).toBe(R);
    expect(redact('')).toBe('');
  });

  it('after the base redaction, every non-empty match of each pattern, in turn; redacted text is not matched again', async () => {
    const userPatterns = patterns('\\bINC-\\d+\\b', 'x*', 'redacted', '\\[');
    await prepareExpressions(userPatterns);
    const base = (text: string) => text.replace('token=abc', `token=${R}`);
    const redact = withUserPatterns(base, { userPatterns });
    expect(redact('INC-1 and INC-22 (token=abc)')).toBe(`${R} and ${R} (token=${R})`);
    expect(redact(redact('INC-1 and INC-22'))).toBe(`${R} and ${R}`);
    // Remembered results answer the same.
    expect(redact('INC-1 and INC-22 (token=abc)')).toBe(`${R} and ${R} (token=${R})`);
  });

  it('matches the text as a URL reads: percent-escapes decoded (any depth), `+` as a space; redacts what the match was written as', async () => {
    const userPatterns = patterns('größe', 'Project Falcon', '\\d{3}-\\d{4}');
    await prepareExpressions(userPatterns);
    const redact = withUserPatterns(identity, { userPatterns });
    expect(redact('/docs/default/component/projekt-gr%C3%B6%C3%9Fe/Project%20Falcon')).toBe(`/docs/default/component/projekt-${R}/${R}`);
    expect(redact('/search?query=Project+Falcon&page=2')).toBe(`/search?query=${R}&page=2`);
    expect(redact('?next=%2Fdocs%3Fq%3DProject%2520Falcon')).toBe(`?next=%2Fdocs%3Fq%3D${R}`);
    expect(redact('call 555%2D1234 or 555-9876')).toBe(`call ${R} or ${R}`);
    // Escapes in either case; text that decodes to no match is left as written.
    expect(redact('gr%c3%b6%C3%9Fe x%2By a+b 100%')).toBe(`${R} x%2By a+b 100%`);
    // Redacting twice gives what redacting once gave.
    const once = redact('Project+Falcon%2C Project%20Falcon, projekt-gr%C3%B6%C3%9Fe');
    expect(once).toBe(`${R}%2C ${R}, projekt-${R}`);
    expect(redact(once)).toBe(once);
  });

  it('a string longer than the engine looks at is cut there, between characters, and marked', async () => {
    const userPatterns = patterns('(a+)+$', 'b+');
    await prepareExpressions(userPatterns);
    const redact = withUserPatterns(identity, { userPatterns });
    // The emoji would straddle the cut: it is left out whole, and so are the b's after it.
    const long = `${'x'.repeat(MAX_MATCHED_CHARS - 1)}😀${'b'.repeat(100)}`;
    expect(redact(long) === `${'x'.repeat(MAX_MATCHED_CHARS - 1)}${JSON_SAFE_MARKERS.truncated}`).toBe(true);
    // Matched as if the text ended at the cut: `$` matches there (more is redacted, never less).
    expect(redact(`bb${'a'.repeat(100_000)}!`)).toBe(`${R}${R}${JSON_SAFE_MARKERS.truncated}`);
  });

  it('patterns with large counted repetitions look at fewer characters, the more they cost (a longer string is redacted whole)', async () => {
    // `.{1,1000}!` on 30,000 characters took seconds per event (the page frozen): RE2's program is 2,000 steps long.
    const costly = patterns('.{1,1000}!', 'secret-\\d+');
    await prepareExpressions(costly);
    const limit = matchedChars(costly.map(p => compiledExpression(p)!));
    expect(limit).toBeLessThan(1000);
    expect(limit).toBeGreaterThanOrEqual(64);
    const redact = withUserPatterns(identity, { userPatterns: costly });
    // Past where the patterns look: a cut could leave part of a match, so none of it goes.
    expect(redact(`secret-1 ${'a'.repeat(30_000)}!`)).toBe(R);
    expect(redact(`secret-1 ${'a'.repeat(limit - 9)}`)).toBe(`${R} ${'a'.repeat(limit - 9)}`);
    expect(redact(`secret-1 ${'a'.repeat(50)}! rest`)).toBe(`${R} rest`);
    // Two such patterns halve it; patterns without large repetitions look at all the engine does.
    const twice = patterns('.{1,1000}!', '[a-z]{1,1000}#');
    await prepareExpressions(twice);
    expect(matchedChars(twice.map(p => compiledExpression(p)!))).toBeLessThan(limit / 1.5);
    const cheap = patterns('secret-\\d+', '\\b[0-9a-f]{40}\\b', 'AKIA[0-9A-Z]{16}');
    await prepareExpressions(cheap);
    expect(matchedChars(cheap.map(p => compiledExpression(p)!))).toBe(MAX_MATCHED_CHARS);
  });
});
