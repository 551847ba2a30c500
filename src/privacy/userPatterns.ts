import { cutText } from '../cutText';
import { JSON_SAFE_MARKERS } from '../mapping/toJsonSafe';
import { compiledExpression, CompiledExpression, MAX_MATCHED_CHARS } from './expressionEngine';
import { PrivacyConfig, REDACTED } from './PrivacyConfig';
import type { TextRedactor } from './redactText';

/** Results remembered, and the longest string remembered (the same strings come back event after event). */
const MAX_REMEMBERED = 512;
const MAX_REMEMBERED_LENGTH = 2048;

function replaceMatches(part: string, expression: CompiledExpression): string {
  const spans = expression.spans(part);
  if (!spans.length) return part;
  let out = '';
  let from = 0;
  for (const [start, end] of spans) {
    out += part.slice(from, start) + REDACTED;
    from = end;
  }
  return out + part.slice(from);
}

/** Every match of each expression, in turn, becomes the mark; text already redacted is not matched again. */
function redactAll(text: string, expressions: readonly CompiledExpression[]): string {
  let result = text;
  for (const expression of expressions) {
    result = result
      .split(REDACTED)
      .map(part => replaceMatches(part, expression))
      .join(REDACTED);
  }
  return result;
}

/**
 * `base` followed by the user's `redact.patterns`, run by the linear-time
 * engine; `base` itself when there are none.
 *
 * @remarks
 * Until the engine has compiled the patterns (see `prepareExpressions`),
 * every non-empty string becomes `[redacted]` whole: nothing a pattern could
 * match leaves the browser unredacted. The pipeline waits for the engine
 * before it maps events, so only what the library describes on its own
 * could meet this. A string longer than the engine looks at
 * (`MAX_MATCHED_CHARS`) is cut there and marked, as it could not be sent
 * whole anyway.
 */
export function withUserPatterns(base: TextRedactor, config: Pick<PrivacyConfig, 'userPatterns'>): TextRedactor {
  const { userPatterns } = config;
  if (!userPatterns.length) return base;
  const remembered = new Map<string, string>();
  return text => {
    const plain = base(text);
    if (!plain) return plain;
    const known = remembered.get(plain);
    if (known !== undefined) return known;
    const expressions = userPatterns.map(compiledExpression);
    if (expressions.some(expression => !expression)) return REDACTED;
    const long = plain.length > MAX_MATCHED_CHARS;
    const redacted = redactAll(long ? cutText(plain, MAX_MATCHED_CHARS) : plain, expressions as CompiledExpression[]);
    if (long) return redacted + JSON_SAFE_MARKERS.truncated;
    if (plain.length <= MAX_REMEMBERED_LENGTH) {
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      remembered.set(plain, redacted);
    }
    return redacted;
  };
}
