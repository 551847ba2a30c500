import { MAX_STRING_CHARS } from '../mapping/toJsonSafe';
import type { CompiledExpression } from './linearEngine';
import type { UserExpression } from './userExpression';

export type { CompiledExpression };

/** The engine's module, loaded once per page when expressions are first needed (undefined: not asked for, or failed). */
let engineLoad: Promise<typeof import('./linearEngine')> | undefined;
const compiled = new Map<string, CompiledExpression>();

/**
 * Longest text an expression looks at: the rest of a longer string could
 * not be sent anyway (see `MAX_STRING_CHARS`), and the engine's time grows
 * with the length of the text.
 */
export const MAX_MATCHED_CHARS = MAX_STRING_CHARS;

/**
 * Characters times the cost of the expressions (see `CompiledExpression.cost`)
 * one look at a text may take: some tens of milliseconds in the worst case.
 */
const MAX_WORK = 500_000;

/** Shortest text costly expressions look at, however many there are. */
const MIN_MATCHED_CHARS = 64;

/**
 * How many characters of a text `expressions` look at, one after the other,
 * in bounded time: {@link MAX_MATCHED_CHARS}, or fewer when some are costly
 * (large counted repetitions): the more they cost, the fewer.
 */
export function matchedChars(expressions: readonly CompiledExpression[]): number {
  const cost = expressions.reduce((sum, expression) => sum + expression.cost, 0);
  return cost ? Math.max(MIN_MATCHED_CHARS, Math.min(MAX_MATCHED_CHARS, Math.floor(MAX_WORK / cost))) : MAX_MATCHED_CHARS;
}

const cacheKey = (e: UserExpression) => `${e.flags}/${e.source}`;

function loadEngine() {
  // RE2 and the code around it sit in their own lazily loaded chunk: only a config with expressions fetches it.
  engineLoad ??= import(/* webpackChunkName: "segment-expressions" */ './linearEngine').catch(error => {
    engineLoad = undefined; // a later call may try again
    throw new Error(`the engine of app.analytics.segment's regular expressions could not be loaded (${error})`);
  });
  return engineLoad;
}

/** Longest run of compiling in one task: hundreds of expressions take hundreds of milliseconds. */
const COMPILE_SLICE_MS = 8;

/** How compiling gives the page its turn: the clock it reads, and a pause until a later task. */
export type CompileTurns = { now: () => number; pause: () => Promise<void> };

const browserTurns: CompileTurns = {
  now: () => performance.now(),
  pause: () => new Promise(resolve => setTimeout(resolve, 0)),
};

/**
 * Loads the linear-time engine (once per page) and compiles each expression
 * (once per page), in slices of about {@link COMPILE_SLICE_MS}, so that many
 * expressions do not make one long task.
 *
 * @returns a promise that rejects when the engine cannot be loaded, or with
 *   an error naming the config key of an expression it refuses
 */
export async function prepareExpressions(expressions: readonly UserExpression[], turns: CompileTurns = browserTurns): Promise<void> {
  if (!expressions.length) return;
  const { compileExpression } = await loadEngine();
  let sliceStart = turns.now();
  for (const expression of expressions) {
    const key = cacheKey(expression);
    if (compiled.has(key)) continue;
    if (turns.now() - sliceStart >= COMPILE_SLICE_MS) {
      await turns.pause();
      sliceStart = turns.now();
    }
    compiled.set(key, compileExpression(expression));
  }
}

/** The expression as compiled by {@link prepareExpressions}; undefined until then. */
export function compiledExpression(expression: UserExpression): CompiledExpression | undefined {
  return compiled.get(cacheKey(expression));
}
