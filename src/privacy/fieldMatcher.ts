import { FieldMatcher } from './PrivacyConfig';

const LITERAL = /^\/(.+)\/([a-z]*)$/s;

/**
 * Compiles `/source/flags` into a regular expression, or returns undefined
 * when `text` is not written that way. The stateful flags `g` and `y` are
 * dropped, so that testing the same expression twice gives the same answer.
 *
 * @throws SyntaxError when the expression or its flags are invalid
 */
export function parseRegexLiteral(text: string): RegExp | undefined {
  const match = LITERAL.exec(text);
  if (!match) return undefined;
  return new RegExp(match[1], match[2].replace(/[gy]/g, ''));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles one field of an `events.include` / `events.exclude` rule:
 *
 * - `/.../flags`: a regular expression, matching anywhere unless anchored;
 * - a string with `*`: the whole field must match, `*` standing for any run
 *   of characters (none included);
 * - any other string: the field must be exactly that (case-sensitive).
 *
 * @throws SyntaxError when a `/.../` expression is invalid
 */
export function compileFieldMatcher(text: string): FieldMatcher {
  const regex = parseRegexLiteral(text);
  if (regex) return field => regex.test(field);
  if (!text.includes('*')) return field => field === text;
  const wildcard = new RegExp(`^${text.split('*').map(escapeRegex).join('.*')}$`, 's');
  return field => wildcard.test(field);
}
