import type { RE2JS } from 're2js';
import { cutText } from '../cutText';
import { describeError } from '../warnSafely';
import { MAX_STRING_CHARS } from '../mapping/toJsonSafe';
import { UserExpression } from './userExpression';

/** A user expression compiled by the engine. */
export type CompiledExpression = {
  /** Whether it matches anywhere in `text`. */
  test(text: string): boolean;
  /** The `[start, end)` spans of its non-empty matches in `text`, left to right, not overlapping. */
  spans(text: string): Array<[number, number]>;
};

type Engine = typeof RE2JS;

/** The engine, loaded once per page when an expression is first needed (undefined: not asked for yet, or its load failed). */
let engineLoad: Promise<Engine> | undefined;
const compiled = new Map<string, CompiledExpression>();

const cacheKey = (e: UserExpression) => `${e.flags}/${e.source}`;

/**
 * Longest text an expression looks at: the rest of a longer string could
 * not be sent anyway (see `MAX_STRING_CHARS`), and the engine's time grows
 * with the length of the text.
 */
export const MAX_MATCHED_CHARS = MAX_STRING_CHARS;

function compile(engine: Engine, expression: UserExpression): CompiledExpression {
  let flags = engine.LOOKBEHINDS;
  if (expression.flags.includes('i')) flags |= engine.CASE_INSENSITIVE;
  if (expression.flags.includes('m')) flags |= engine.MULTILINE;
  if (expression.flags.includes('s')) flags |= engine.DOTALL;
  let re: RE2JS;
  try {
    re = engine.compile(engine.translateRegExp(expression.source), flags);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(
      `Invalid config app.analytics.segment.${expression.key}: expected a regular expression the linear-time engine can run (${cutText(why, 200)})`,
    );
  }
  return {
    test: text => re.test(cutText(text, MAX_MATCHED_CHARS)),
    spans(text) {
      const found: Array<[number, number]> = [];
      const matcher = re.matcher(text);
      while (matcher.find()) {
        if (matcher.end() > matcher.start()) found.push([matcher.start(), matcher.end()]);
      }
      return found;
    },
  };
}

function loadEngine(): Promise<Engine> {
  // RE2's linear-time matching, in its own lazily loaded chunk: only a config with expressions fetches it.
  engineLoad ??= import(/* webpackChunkName: "segment-expressions" */ 're2js').then(
    module => module.RE2JS,
    error => {
      engineLoad = undefined; // a later call may try again
      throw new Error(
        `the regular expression engine that app.analytics.segment's expressions need could not be loaded (${describeError(error)})`,
      );
    },
  );
  return engineLoad;
}

/**
 * Loads the linear-time engine (once per page) and compiles each expression
 * (once per page).
 *
 * @returns a promise that rejects when the engine cannot be loaded, or with
 *   an error naming the config key of an expression it refuses
 */
export async function prepareExpressions(expressions: readonly UserExpression[]): Promise<void> {
  if (!expressions.length) return;
  const engine = await loadEngine();
  for (const expression of expressions) {
    const key = cacheKey(expression);
    if (!compiled.has(key)) compiled.set(key, compile(engine, expression));
  }
}

/** The expression as compiled by {@link prepareExpressions}; undefined until then. */
export function compiledExpression(expression: UserExpression): CompiledExpression | undefined {
  return compiled.get(cacheKey(expression));
}
