import { JSON_SAFE_MARKERS } from '../mapping/toJsonSafe';
import { MAX_MATCHED_CHARS, prepareExpressions } from './expressionEngine';
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
});
