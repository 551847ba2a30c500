import { cutText } from '../text/cutText';
import { compiledExpression, MAX_MATCHED_CHARS, matchedChars } from './expressionEngine';
import { FieldMatcher } from './PrivacyConfig';
import { parseUserExpression, UserExpression } from './userExpression';

const LITERAL = /^\/(.+)\/([a-z]*)$/s;

/**
 * Characters the expressions of all rule fields together may look at for
 * one event (each field's expression gets its share, at most what it would
 * alone): every rule is tried on the caller's stack, and 200 expressions
 * reading a 32 KB subject each cost up to 40 ms (jsdom, 2026-12-06; a
 * million characters, about 6 ms). Up to 30 expression fields each read the
 * whole of the longest field the module sends (32,768 characters).
 */
export const RULE_FIELDS_WORK = 1_000_000;

/** Fewest characters a rule field's expression looks at, however many there are. */
const MIN_RULE_FIELD_CHARS = 256;

/**
 * Reads `/source/flags` as a user expression, or returns undefined when
 * `text` is not written that way. The stateful flags `g` and `y` (and `d`)
 * mean nothing for a test and are dropped.
 *
 * @param key - the config key, named in errors
 * @throws SyntaxError when the expression or its flags are invalid (see
 *   {@link parseUserExpression})
 */
export function parseRegexLiteral(text: string, key = 'expression'): UserExpression | undefined {
  const match = LITERAL.exec(text);
  if (!match) return undefined;
  return parseUserExpression(match[1], match[2], key);
}

/**
 * Whether `text` is `parts` joined by runs of any characters (a pattern
 * split at its `*`s), in time linear in the text's length.
 *
 * @remarks
 * The first part must start the text and the last must end it; each part in
 * between is found at its leftmost place after the one before. Taking the
 * leftmost place is never wrong: any later place leaves less room for the
 * parts after it. So each character is looked at a bounded number of times,
 * whatever the number of `*` (a regular expression built from the same
 * pattern backtracks, polynomially in the number of stars).
 */
export function matchesWildcard(parts: readonly string[], text: string): boolean {
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let from = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i];
    if (!part) continue;
    const at = text.indexOf(part, from);
    if (at === -1 || at + part.length > end) return false;
    from = at + part.length;
  }
  return true;
}


/**
 * Compiles one field of an `events.include` / `events.exclude` rule:
 *
 * - `/.../flags`: a regular expression, matching anywhere unless anchored,
 *   run by the linear-time engine (undefined until it has loaded, and for a
 *   field longer than a costly expression runs on in bounded time);
 * - a string with `*`: the whole field must match, `*` standing for any run
 *   of characters (none included), in linear time;
 * - any other string: the field must be exactly that (case-sensitive).
 *
 * @param key - the config key, named in errors
 * @param ruleExpressions - how many rule fields are expressions in all (read
 *   when matching): each looks at its share of {@link RULE_FIELDS_WORK}
 * @throws SyntaxError when a `/.../` expression is invalid
 */
export function compileFieldMatcher(text: string, key = 'expression', ruleExpressions: () => number = () => 1): FieldMatcher {
  const expression = parseRegexLiteral(text, key);
  // Undefined while the engine has not loaded: the caller fails closed.
  if (expression) {
    return field => {
      const compiled = compiledExpression(expression);
      if (!compiled) return undefined;
      const share = Math.max(MIN_RULE_FIELD_CHARS, Math.floor(RULE_FIELDS_WORK / Math.max(1, ruleExpressions())));
      const limit = Math.min(matchedChars([compiled]), share);
      // Longer than a costly expression runs on in bounded time: unknown, and the caller fails closed.
      if (field.length > limit && limit < MAX_MATCHED_CHARS) return undefined;
      return compiled.test(cutText(field, limit));
    };
  }
  if (!text.includes('*')) return field => field === text;
  const parts = text.split('*');
  return field => matchesWildcard(parts, field);
}
