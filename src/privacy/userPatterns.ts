import { cutText } from '../cutText';
import { JSON_SAFE_MARKERS } from '../mapping/toJsonSafe';
import { compiledExpression, CompiledExpression, MAX_MATCHED_CHARS } from './expressionEngine';
import { PrivacyConfig, REDACTED } from './PrivacyConfig';
import type { TextRedactor } from './redactText';

/** Results remembered, and the longest string remembered (the same strings come back event after event). */
const MAX_REMEMBERED = 512;
const MAX_REMEMBERED_LENGTH = 2048;

/**
 * `base` followed by the user's `redact.patterns`, run by the linear-time
 * engine; `base` itself when there are none.
 *
 * @remarks
 * Each pattern in turn replaces its non-empty matches with `[redacted]`;
 * text already redacted is not matched again. Until the engine has compiled
 * the patterns (see `prepareExpressions`), every non-empty string becomes
 * `[redacted]` whole: nothing a pattern could match leaves the browser
 * unredacted. The pipeline waits for the engine before it maps events, so
 * only what the library describes on its own could meet this. A string
 * longer than the engine looks at (`MAX_MATCHED_CHARS`) is cut there and
 * marked (it could not be sent whole anyway), and matched as if it ended
 * there.
 */
export function withUserPatterns(base: TextRedactor, config: Pick<PrivacyConfig, 'userPatterns'>): TextRedactor {
  const { userPatterns } = config;
  if (!userPatterns.length) return base;
  const remembered = new Map<string, string>();
  return text => {
    const plain = base(text);
    const known = remembered.get(plain);
    if (!plain || known !== undefined) return known ?? plain;
    const expressions = userPatterns.map(compiledExpression);
    if (!expressions.every(Boolean)) return REDACTED;
    const long = plain.length > MAX_MATCHED_CHARS;
    const redacted = (expressions as CompiledExpression[]).reduce(
      (result, expression) => expression.redact(result, REDACTED),
      long ? cutText(plain, MAX_MATCHED_CHARS) : plain,
    );
    if (long) return redacted + JSON_SAFE_MARKERS.truncated;
    if (plain.length <= MAX_REMEMBERED_LENGTH) {
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      remembered.set(plain, redacted);
    }
    return redacted;
  };
}
