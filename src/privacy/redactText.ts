import { PrivacyConfig, REDACTED } from './PrivacyConfig';

/**
 * `name=value` after a query or fragment separator (`?`, `&`, `#`), plain or
 * percent-encoded (`%3F`, `%26`, `%23`, and `%3D` for `=`), so that a URL
 * nested in another URL's parameter is covered too. A value ends at the next
 * separator, at `?` (a nested query) or at white space.
 */
const PARAMETER =
  /([?&#]|%3f|%26|%23)((?:[^=?&#\s%]|%(?!3d|3f|26|23)[0-9a-f]{2})+)(=|%3d)((?:[^?&#\s%]|%(?!3f|26|23))*)/gi;

/** Percent-encoded characters that end an address: space, quotes, `#&,/:;<=>?`. */
const ENCODED_SEPARATOR = '%(?:2[0236CcFf]|3[A-Fa-f])';

/**
 * An e-mail address, plain or with its `@` percent-encoded once or twice (as
 * in a URL's query). Starts only at the start of a run of address characters
 * (or after an encoded separator), and its parts are bounded, so long
 * strings cost linear time.
 */
export const EMAIL_PATTERN = new RegExp(
  `(?<=^|[^A-Za-z0-9._%+-]|${ENCODED_SEPARATOR})` +
    `(?:[A-Za-z0-9._+-]|%(?!2[0236CcFf]|3[A-Fa-f])[0-9A-Fa-f]{2}){1,64}` +
    '(?:@|%40|%2540)[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})*\\.[A-Za-z]{2,24}',
  'g',
);

function parameterName(raw: string): string {
  if (!raw.includes('%')) return raw.toLowerCase();
  try {
    return decodeURIComponent(raw).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/** Replaces the values of the named query parameters in every URL, path or query string inside `text`. */
export function redactQueryParams(text: string, names: ReadonlySet<string>): string {
  if (!names.size || (!text.includes('=') && !text.includes('%'))) return text;
  return text.replace(PARAMETER, (whole, separator: string, name: string, equals: string, value: string) =>
    value && names.has(parameterName(name)) ? `${separator}${name}${equals}${REDACTED}` : whole,
  );
}

/** A cheap test that rules out most strings before the e-mail pattern is run. */
const mayHoldEmail = (text: string) => text.includes('@') || text.includes('%40') || text.includes('%2540');

const markMatch = (match: string) => (match ? REDACTED : match);

/**
 * Replaces every (non-empty) match of each global expression with the
 * redaction mark. Text already redacted is left out of the matching, so
 * redacting twice gives what redacting once gave.
 */
export function redactPatterns(text: string, patterns: readonly RegExp[]): string {
  let result = text;
  for (const pattern of patterns) {
    if (pattern === EMAIL_PATTERN && !mayHoldEmail(result)) continue;
    result = result.includes(REDACTED)
      ? result
          .split(REDACTED)
          .map(part => part.replace(pattern, markMatch))
          .join(REDACTED)
      : result.replace(pattern, markMatch);
  }
  return result;
}

/** Results remembered by a text redactor, and the longest string remembered. */
const MAX_REMEMBERED = 512;
const MAX_REMEMBERED_LENGTH = 2048;

/** Redacts one string. */
export type TextRedactor = (text: string) => string;

/** The query parameter names redacted under a config: `query` (Backstage search's) too when search terms are. */
function queryParamsOf(config: PrivacyConfig): ReadonlySet<string> {
  return config.searchTerms === 'keep' ? config.queryParams : new Set([...config.queryParams, 'query']);
}

/**
 * The redaction every string that leaves the browser goes through: the
 * values of credential-like (and configured) query parameters, then every
 * match of the configured patterns.
 */
export function textRedactorFor(config: PrivacyConfig): TextRedactor {
  const names = queryParamsOf(config);
  const { patterns } = config;
  const redact = patterns.length
    ? (text: string) => redactPatterns(redactQueryParams(text, names), patterns)
    : (text: string) => redactQueryParams(text, names);
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
