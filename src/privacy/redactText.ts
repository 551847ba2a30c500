import { PrivacyConfig, REDACTED } from './PrivacyConfig';
import { redactEmails } from './redactEmails';
import { caselessKey } from '../text/caseless';
import { decodedView, depthOf, Replacement, replaceInOriginal } from '../text/textView';

/** White space (what ends a value written in running text), by UTF-16 code unit. */
function isSpace(c: number): boolean {
  return (
    c <= 32 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** `?`, `&`, `#`, `;` (so `&amp;code=` counts too): what a parameter name follows. */
const isSeparator = (c: number) => c === 63 || c === 38 || c === 35 || c === 59;

/** What ends a parameter name: `=`, a separator, white space. */
const isNameEnd = (c: number) => c === 61 || isSeparator(c) || isSpace(c);

/** What ends a value: `&`, `#`, white space, and `"`, `<`, `>`, `` ` `` (never bare in a URL). */
const endsValue = (c: number) => c === 38 || c === 35 || c === 34 || c === 60 || c === 62 || c === 96 || isSpace(c);

/**
 * Replaces the values of the named query parameters in every URL, path or
 * query string inside `text`.
 *
 * @remarks
 * Percent-escapes are decoded first, to any depth, so a URL nested in
 * another's parameter (`?next=%2Fcb%3Fcode%3Dabc`, encoded once or more) is
 * looked into. A parameter is `name=value` after `?`, `&`, `#` or `;`; its
 * name is compared decoded and caseless. Its value is redacted whole: it
 * ends only at a `&`, `#` or white space (or `"`, `<`, `>`, `` ` ``)
 * encoded no deeper than its `=`. A separator encoded deeper belongs to the
 * value (`?code=abc%26def` is one value), and so does a `?`. One pass:
 * linear time.
 *
 * @param names - caseless names (see `caselessKey`)
 */
export function redactQueryParams(text: string, names: ReadonlySet<string>): string {
  if (!names.size || (!text.includes('=') && !text.includes('%'))) return text;
  const view = decodedView(text);
  const s = view.text;
  const replacements: Replacement[] = [];
  let i = 0;
  while (i < s.length) {
    if (!isSeparator(s.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < s.length && !isNameEnd(s.charCodeAt(j))) j++;
    if (j === i + 1 || s.charCodeAt(j) !== 61 || !names.has(caselessKey(s.slice(i + 1, j)))) {
      // Not a redacted parameter: what follows its name (a value holding a nested URL, say) is looked into.
      i = j;
      continue;
    }
    const level = depthOf(view, j);
    let end = j + 1;
    while (end < s.length && !(endsValue(s.charCodeAt(end)) && depthOf(view, end) <= level)) end++;
    if (end > j + 1) replacements.push({ from: j + 1, to: end, text: REDACTED });
    i = end;
  }
  return replaceInOriginal(text, view, replacements);
}

/** Results remembered by a text redactor, and the longest string remembered. */
const MAX_REMEMBERED = 512;
const MAX_REMEMBERED_LENGTH = 2048;

/** Redacts one string. */
export type TextRedactor = (text: string) => string;

/** The caseless query parameter names redacted under a config: `query` (Backstage search's) too when search terms are. */
function queryParamsOf(config: PrivacyConfig): ReadonlySet<string> {
  const names = [...config.queryParams, ...(config.searchTerms === 'keep' ? [] : ['query'])];
  return new Set(names.map(caselessKey));
}

/**
 * The built-in redaction every string that leaves the browser goes through:
 * the values of credential-like (and configured) query parameters, then
 * (with `redact.emails`) e-mail addresses. The user's `redact.patterns` run
 * after it, on the linear-time engine (see `withUserPatterns`).
 */
export function textRedactorFor(config: PrivacyConfig): TextRedactor {
  const names = queryParamsOf(config);
  const { emails } = config;
  const redact = (text: string) => {
    const result = redactQueryParams(text, names);
    return emails ? redactEmails(result) : result;
  };
  // The same strings come back event after event (the page's URL, title and
  // referrer, entity refs): remember the latest results. In memory only.
  const remembered = new Map<string, string>();
  return text => {
    if (text.length > MAX_REMEMBERED_LENGTH) return redact(text);
    let result = remembered.get(text);
    if (result === undefined) {
      result = redact(text);
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      remembered.set(text, result);
    }
    return result;
  };
}
