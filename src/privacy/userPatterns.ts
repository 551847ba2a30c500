import { cutText } from '../text/cutText';
import { JSON_SAFE_MARKERS } from '../mapping/toJsonSafe';
import { decodedView, replaceInOriginal } from '../text/textView';
import { compiledExpression, CompiledExpression, MAX_MATCHED_CHARS, matchedChars } from './expressionEngine';
import { PrivacyConfig, REDACTED } from './PrivacyConfig';
import type { TextRedactor } from './redactText';

/** Results remembered, and the longest string remembered (the same strings come back event after event). */
const MAX_REMEMBERED = 512;
const MAX_REMEMBERED_LENGTH = 2048;

/** Text a URL may have encoded: percent-escapes, and `+` for a space in a query string. */
const MAY_BE_ENCODED = /[%+]/;

/**
 * `text` with each match of `expression` redacted, in the text as written
 * and in the text as a URL's reader would see it: percent-escapes decoded
 * (to any depth) and `+` read as a space (the browser writes
 * `/docs/Project%20Falcon`, a search form `?q=Project+Falcon`). A match
 * found in the decoded text redacts the encoded characters it came from.
 */
function redactWith(expression: CompiledExpression, text: string): string {
  const redacted = expression.redact(text, REDACTED);
  if (!MAY_BE_ENCODED.test(redacted)) return redacted;
  const decoded = decodedView(redacted);
  // `+` to a space, character for character: where each came from is unchanged.
  const view = { ...decoded, text: decoded.text.replace(/\+/g, ' ') };
  const spans = expression.find(view.text, REDACTED);
  return replaceInOriginal(redacted, view, spans.map(([from, to]) => ({ from, to, text: REDACTED })));
}

/**
 * `base` followed by the user's `redact.patterns`, run by the linear-time
 * engine; `base` itself when there are none.
 *
 * @remarks
 * Each pattern in turn replaces its non-empty matches with `[redacted]`,
 * in the text as written and as decoded (see `redactWith`); text already
 * redacted is not matched again. Until the engine has compiled
 * the patterns (see `prepareExpressions`), every non-empty string becomes
 * `[redacted]` whole: nothing a pattern could match leaves the browser
 * unredacted. The pipeline waits for the engine before it maps events, so
 * only what the library describes on its own could meet this. A string
 * longer than the engine looks at (`MAX_MATCHED_CHARS`) is cut there and
 * marked (it could not be sent whole anyway), and matched as if it ended
 * there. Patterns with large counted repetitions look at fewer characters
 * in bounded time (`matchedChars`): a longer string becomes `[redacted]`
 * whole, as a cut could leave part of a match.
 */
export function withUserPatterns(base: TextRedactor, config: Pick<PrivacyConfig, 'userPatterns'>): TextRedactor {
  const { userPatterns } = config;
  if (!userPatterns.length) return base;
  const remembered = new Map<string, string>();
  /** How far the patterns look, once they are all compiled (they are compiled once per page). */
  let limit: number | undefined;
  return text => {
    const plain = base(text);
    const known = remembered.get(plain);
    if (!plain || known !== undefined) return known ?? plain;
    const expressions = userPatterns.map(compiledExpression);
    if (!expressions.every(Boolean)) return REDACTED;
    limit ??= matchedChars(expressions as CompiledExpression[]);
    // Longer than costly patterns are run on in bounded time: a match could straddle any cut, so none of it goes.
    if (plain.length > limit && limit < MAX_MATCHED_CHARS) return REDACTED;
    const long = plain.length > limit;
    const redacted = (expressions as CompiledExpression[]).reduce(
      (result, expression) => redactWith(expression, result),
      long ? cutText(plain, limit) : plain,
    );
    if (long) return redacted + JSON_SAFE_MARKERS.truncated;
    if (plain.length <= MAX_REMEMBERED_LENGTH) {
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      remembered.set(plain, redacted);
    }
    return redacted;
  };
}
