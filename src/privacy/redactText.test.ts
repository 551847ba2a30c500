import { BUILT_IN_QUERY_PARAMS, DEFAULT_PRIVACY, PrivacyConfig, REDACTED } from './PrivacyConfig';
import { prepareExpressions } from './expressionEngine';
import { redactQueryParams, textRedactorFor } from './redactText';
import { parseUserExpression } from './userExpression';
import { withUserPatterns } from './userPatterns';

const R = REDACTED;
const builtIn = new Set(BUILT_IN_QUERY_PARAMS);

describe('redactQueryParams with the built-in list', () => {
  it.each<[string, string, string]>([
    ['OAuth callback', 'https://b.example.com/cb?code=abc&state=xyz', `https://b.example.com/cb?code=${R}&state=${R}`],
    [
      'the issue example, fragment included',
      'https://b.example.com/x?code=abc&state=xyz#access_token=t',
      `https://b.example.com/x?code=${R}&state=${R}#access_token=${R}`,
    ],
    ['implicit-flow fragment', '/cb#access_token=t1&id_token=t2&token_type=Bearer', `/cb#access_token=${R}&id_token=${R}&token_type=Bearer`],
    ['a path with a query', '/catalog?token=s3cr3t&kind=component', `/catalog?token=${R}&kind=component`],
    ['a bare query string (location.search)', '?refresh_token=r&tab=api', `?refresh_token=${R}&tab=api`],
    ['names are case-insensitive', '/x?CODE=a&Access_Token=b&ApiKey=c', `/x?CODE=${R}&Access_Token=${R}&ApiKey=${R}`],
    ['every built-in name', `/x?${BUILT_IN_QUERY_PARAMS.map(n => `${n}=v`).join('&')}`, `/x?${BUILT_IN_QUERY_PARAMS.map(n => `${n}=${R}`).join('&')}`],
    ['other names are left alone', '/x?codes=a&mystate=b&tokenize=c&q=d', '/x?codes=a&mystate=b&tokenize=c&q=d'],
    ['an empty value stays empty', '/x?code=&state=', '/x?code=&state='],
    ['a name without a value', '/x?code&state=1', `/x?code&state=${R}`],
    ['a value with = and base64', '/x?sig=ab+c/d==&next=1', `/x?sig=${R}&next=1`],
    ['a percent-encoded value', '/x?password=p%40ss%20word&a=1', `/x?password=${R}&a=1`],
    ['a percent-encoded name', '/x?access%5Ftoken=t', `/x?access%5Ftoken=${R}`],
    ['a nested URL in a parameter', '/login?next=/cb?code=abc&state=xyz', `/login?next=/cb?code=${R}&state=${R}`],
    ['a nested, encoded URL', '/login?next=%2Fcb%3Fcode%3Dabc%26state%3Dxyz', `/login?next=%2Fcb%3Fcode%3D${R}%26state%3D${R}`],
    ['a hash router', 'https://b.example.com/#/cb?code=abc', `https://b.example.com/#/cb?code=${R}`],
    ['a URL inside a sentence', 'see https://x.example.com/?token=abc now', `see https://x.example.com/?token=${R} now`],
    ['two URLs in one string', '/a?code=1 and /b?code=2', `/a?code=${R} and /b?code=${R}`],
    ['text that is not a URL is left alone', 'state=open', 'state=open'],
    ['a query with no credential', '/search?query=kafka&types%5B0%5D=techdocs', '/search?query=kafka&types%5B0%5D=techdocs'],
    ['a broken percent escape in a name', '/x?%E0%A4%A=1&code=2', `/x?%E0%A4%A=1&code=${R}`],
    // Values are redacted whole: a separator encoded deeper than the `=` belongs to the value.
    ['an encoded & inside a value', '/x?code=abc%26def&a=1', `/x?code=${R}&a=1`],
    ['an encoded # inside a value', '/x?code=abc%23def#frag', `/x?code=${R}#frag`],
    ['an encoded ? and = inside a value', '/x?token=abc%3Fdef%3Dghi&a=1', `/x?token=${R}&a=1`],
    ['a literal ? inside a value', '/x?code=abc?def=ghi&a=1', `/x?code=${R}&a=1`],
    ['separators encoded twice inside a value', '/x?code=abc%2526def%2523ghi&a=1', `/x?code=${R}&a=1`],
    ['lower-case escapes', '/x?code=abc%26def%3fghi&a=1', `/x?code=${R}&a=1`],
    ['an encoded query with no literal = in the text', '/docs/redirect/%2Fcb%3Fcode%3Dsecret123', `/docs/redirect/%2Fcb%3Fcode%3D${R}`],
    ['a nested URL encoded twice', '/login?next=%252Fcb%253Fcode%253Dabc%2526state%253Dxyz', `/login?next=%252Fcb%253Fcode%253D${R}%2526state%253D${R}`],
    ['a nested URL encoded three times', '/l?n=%25252Fcb%25253Fcode%25253Dabc%252526x%25253D1', `/l?n=%25252Fcb%25253Fcode%25253D${R}%252526x%25253D1`],
    ['a value of a nested URL holding a deeper separator', '/l?next=%2Fcb%3Fcode%3Dab%2526cd%26state%3Dx', `/l?next=%2Fcb%3Fcode%3D${R}%26state%3D${R}`],
    ['a nested URL in a nested URL', '/a?next=%2Fb%3Fnext%3D%252Fc%253Ftoken%253Dt1%26k%3D1', `/a?next=%2Fb%3Fnext%3D%252Fc%253Ftoken%253D${R}%26k%3D1`],
    ['a name encoded twice', '/x?access%255Ftoken=t&a=1', `/x?access%255Ftoken=${R}&a=1`],
    ['an encoded full-width name', '/x?%EF%BC%A3ODE=abc', `/x?%EF%BC%A3ODE=${R}`],
    ['an HTML-escaped &', '/x?a=1&amp;code=abc&amp;b=2', `/x?a=1&amp;code=${R}&amp;b=2`],
    ['a URL in JSON text ends at its quote', '{"u":"/x?code=abc","v":1}', `{"u":"/x?code=${R}","v":1}`],
    ['an encoded space belongs to the value', '/x?password=a%20b%20c&z=1', `/x?password=${R}&z=1`],
    ['a lone percent sign', '100% done', '100% done'],
    ['empty string', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(redactQueryParams(input, builtIn)).toBe(expected);
  });

  it('is idempotent', () => {
    const once = redactQueryParams('/x?code=abc#access_token=t', builtIn);
    expect(redactQueryParams(once, builtIn)).toBe(once);
  });

  it('redacts configured names too', () => {
    const names = new Set([...builtIn, 'session', 'x-ticket']);
    expect(redactQueryParams('/x?Session=1&x-ticket=2&code=3&keep=4', names)).toBe(`/x?Session=${R}&x-ticket=${R}&code=${R}&keep=4`);
  });

  it('costs linear time on a long string (a quadratic scan would not finish within the time-out)', () => {
    const long = `/x?${'a'.repeat(200_000)}=${'b'.repeat(200_000)}&code=c`;
    expect(redactQueryParams(long, builtIn).endsWith(`&code=${R}`)).toBe(true);
  });
});

describe('textRedactorFor', () => {
  const config = (over: Partial<PrivacyConfig>): PrivacyConfig => ({ ...DEFAULT_PRIVACY, ...over });

  it('with no key set: only the built-in query parameters', () => {
    const text = textRedactorFor(DEFAULT_PRIVACY);
    expect(text('/search?query=jane@example.com&code=1')).toBe(`/search?query=jane@example.com&code=${R}`);
  });

  it.each(['redact', 'sha-256'] as const)('searchTerms %s also redacts the query parameter of Backstage search', mode => {
    const text = textRedactorFor(config({ searchTerms: mode }));
    expect(text('/search?query=kafka&types[]=techdocs')).toBe(`/search?query=${R}&types[]=techdocs`);
  });

  it('gives the same answer for a string seen before, long or short, and across many strings', () => {
    const text = textRedactorFor(config({ emails: true }));
    const long = `/x?code=abc&note=${'y'.repeat(5000)}`;
    for (let round = 0; round < 2; round++) {
      expect(text(long)).toBe(`/x?code=${R}&note=${'y'.repeat(5000)}`);
      for (let i = 0; i < 1500; i++) expect(text(`/p${i}?token=t${i}&u=u${i}@example.com`)).toBe(`/p${i}?token=${R}&u=${R}`);
    }
  });

  it('query parameters and e-mails, then the user patterns', async () => {
    const userPatterns = [parseUserExpression('\\bINC-\\d+', '', 'redact.patterns[0]')];
    await prepareExpressions(userPatterns);
    const text = withUserPatterns(textRedactorFor(config({ emails: true })), { userPatterns });
    expect(text('INC-12 jane@example.com /x?code=1')).toBe(`${R} ${R} /x?code=${R}`);
    expect(text('/u/jane@example.com?state=s&q=bob%40example.org')).toBe(`/u/${R}?state=${R}&q=${R}`);
  });
});
