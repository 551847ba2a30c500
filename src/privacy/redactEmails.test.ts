import { REDACTED } from './PrivacyConfig';
import { redactEmails, WorkCount } from './redactEmails';

const R = REDACTED;

describe('redactEmails', () => {
  it.each<[string, string, string]>([
    ['a plain address', 'jane.doe@example.com', R],
    ['inside text', 'mail jane+tag@mail.example.co.uk today', `mail ${R} today`],
    ['a sentence ending after it', 'write to jane@example.com.', `write to ${R}.`],
    ['in a mailto: link', 'mailto:jane@example.com?subject=hi', `mailto:${R}?subject=hi`],
    ['an apostrophe in the local part', "o'brien@example.ie", R],
    ['quotes around it stay', "'jane@example.com'", `'${R}'`],
    ['a query value', '/search?query=jane@example.com&x=1', `/search?query=${R}&x=1`],
    ['percent-encoded in a query', '/search?query=jane.doe%40example.com&x=1', `/search?query=${R}&x=1`],
    ['double-encoded', '/x?next=%2Fsearch%3Fquery%3Djane%2540example.com', `/x?next=%2Fsearch%3Fquery%3D${R}`],
    ['encoded three times', '/x?q=jane%252540example.com', `/x?q=${R}`],
    ['every character encoded', '%6A%61%6E%65%40%65%78%2E%63%6F', R],
    ['in a path', '/catalog/default/user/jane@example.com', `/catalog/default/user/${R}`],
    ['two addresses', 'a@b.io, c@d.org', `${R}, ${R}`],
    // Internationalized addresses (RFC 6531) and domains (IDN).
    ['a non-ASCII local part', 'jöran@example.de', R],
    ['a non-ASCII domain', 'jane@exämple.de', R],
    ['Chinese', '联系 用户@例子.广告 吧', `联系 ${R} 吧`],
    ['Cyrillic', 'почта@пример.рф', R],
    ['Devanagari (marks inside words)', 'संपर्क@डाटामेल.भारत', R],
    ['an IDN in its ASCII form', 'jane@xn--exmple-cua.xn--p1ai', R],
    ['an ideographic full stop', 'jane@例子。广告', R],
    ['UTF-8 percent-encoded', '/x?to=j%C3%B6ran%40ex%C3%A4mple.de', `/x?to=${R}`],
    // @ look-alikes.
    ['a full-width @', 'jane＠example.com', R],
    ['all full-width', 'ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ', R],
    ['a small @', 'jane﹫example.com', R],
    ['(at)', 'jane(at)example.com', R],
    ['[at] and [dot], spaced', 'write jane [at] example [dot] com now', `write ${R} now`],
    ['{at} in capitals', 'JANE{AT}EXAMPLE.COM', R],
    // Quoted local parts and address literals.
    ['a quoted local part', 'to "john doe"@example.com', `to ${R}`],
    ['a quoted local part holding @', '"jane@home"@example.com', R],
    ['an escaped quote inside', '"a\\"b"@example.com', R],
    ['an IPv4 literal', 'jane@[192.0.2.1]', R],
    ['an IPv6 literal', 'jane@[IPv6:2001:db8::1]', R],
    ['a bare IPv4 domain', 'jane@192.0.2.1', R],
    // Not addresses.
    ['a spaced @', 'user:default/jane.doe @ home', 'user:default/jane.doe @ home'],
    ['no domain dot', 'root@localhost', 'root@localhost'],
    ['a package and version', 'react@18.3.1 and @backstage/core', 'react@18.3.1 and @backstage/core'],
    ['at spelled out', 'jane at example dot com', 'jane at example dot com'],
    ['a one-letter top-level domain', 'a@b.c', 'a@b.c'],
    ['nothing before @', '@example.com', '@example.com'],
    ['a lone percent sign', '100% sure', '100% sure'],
    ['empty', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(redactEmails(input)).toBe(expected);
  });

  it('is idempotent', () => {
    const once = redactEmails('a jane@example.com b "x y"@z.io c');
    expect(redactEmails(once)).toBe(once);
  });

  // Work is counted, not timed: a backtracking or quadratic matcher takes
  // about n²/2 steps on these, a linear one a few per character.
  it.each<[string, string]>([
    ['many @', 'a@'.repeat(50_000)],
    ['one long local part, no domain', `${'a.'.repeat(100_000)}@`],
    ['many domains without a TLD', 'a@b.1 '.repeat(30_000)],
    ['dots after each @', '@a.'.repeat(60_000)],
    ['quotes and @', '"@'.repeat(80_000)],
    ['a quoted part that never closes', `${'x'.repeat(100_000)}"@example.com`],
    ['(at) words', '(at)'.repeat(50_000)],
    ['(dot) words', `a@b${'(dot)c'.repeat(30_000)}`],
    ['deeply encoded', `a%${'25'.repeat(60_000)}40b.io`],
    ['escapes everywhere', '%40%2E'.repeat(30_000)],
    ['full-width text', 'ａ＠ｂ．'.repeat(40_000)],
  ])('linear work on a long adversarial input: %s', (_name, input) => {
    const work: WorkCount = { steps: 0 };
    redactEmails(input, work);
    expect(work.steps).toBeLessThan(12 * input.length);
  });
});
