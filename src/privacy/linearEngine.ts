import { RE2JS } from 're2js';
import type { UserExpression } from './userExpression';

/**
 * The linear-time side of user expressions, in its own lazily loaded chunk
 * with RE2 (re2js): only a config with regular expressions loads it. It
 * imports nothing else of the module's, so that no code is shared (and
 * split into a chunk of its own) between the first load and this chunk.
 */

/** A user expression compiled by the engine. */
export type CompiledExpression = {
  /** Whether it matches anywhere in `text`. */
  test(text: string): boolean;
  /** `text` with each non-empty match replaced by `mark`; text already marked is not matched again. */
  redact(text: string, mark: string): string;
  /** Where the non-empty matches in `text` are (`[start, end)`, in order), text already marked left out. */
  find(text: string, mark: string): Array<[number, number]>;
  /**
   * Its share of the work per character of text it looks at: RE2's program
   * size when that is large, 0 when it is small (see {@link SMALL_PROGRAM}).
   */
  cost: number;
};

/**
 * RE2's program size up to which an expression is taken as cheap on any
 * text. Counted repetitions are compiled into copies (`.{1,1000}` is 2,000
 * instructions), and in the worst case the time per character grows with
 * the program size: `.{1,1000}!` took about 2 s on 30,000 characters in
 * Chromium, `[a-z]{1,45}A` (92) up to 0.4 s in Node (2026-12-04). Up to 50,
 * the whole 32,768 characters a string can have stay within a few times
 * the work the costly ones are allowed (see `matchedChars`).
 */
const SMALL_PROGRAM = 50;


/** JavaScript's `\s`: white space and line terminators, Unicode's included (RE2's `\s` is ASCII only). */
const SPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
/** What JavaScript's `.` matches without the `s` flag (RE2's `.` also matches `\r`, U+2028 and U+2029). */
const DOT = '[^\\n\\r\\u2028\\u2029]';

const refuse = (what: string) => new SyntaxError(`${what} cannot run in linear time and is not supported`);

/**
 * Rewrites a (valid, Unicode-mode) JavaScript expression for RE2: groups
 * become non-capturing (nothing reads captures, and RE2 refuses captures
 * inside a lookbehind); `\s`, `\S`, `.` and `[\b]` keep JavaScript's
 * meaning. Lookaheads and back-references are refused: no linear-time
 * engine runs them.
 */
function rewrite(source: string, dotAll: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[++i] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) throw refuse(`a back-reference (\\${next})`);
      if (next === 's') out += inClass ? SPACE : `[${SPACE}]`;
      else if (next === 'S' && !inClass) out += `[^${SPACE}]`;
      else if (next === 'b' && inClass) out += '\\u0008';
      else out += c + next;
    } else if (inClass) {
      inClass = c !== ']';
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      // `[]` and `[^]` are whole classes: their `]` does not stay open.
      if (source[i + 1] === '^') out += source[++i];
    } else if (c === '(' && source[i + 1] === '?') {
      const kind = source[i + 2];
      if (kind === '=' || kind === '!') throw refuse(`a lookahead ((?${kind})`);
      if (kind === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
        // A named group: `(?<name>` becomes `(?:`.
        i = source.indexOf('>', i);
        out += '(?:';
      } else out += c;
    } else if (c === '(') out += '(?:';
    else out += c === '.' && !dotAll ? DOT : c;
  }
  return out;
}

/**
 * Compiles a user expression with RE2, to match what JavaScript would
 * (Unicode mode), in time linear in the text's length.
 *
 * @throws an error naming the config key when the expression uses what no
 *   linear-time engine runs (lookaheads, back-references) or what RE2
 *   does not know
 */
export function compileExpression(expression: UserExpression): CompiledExpression {
  const { flags } = expression;
  let re: RE2JS;
  try {
    re = RE2JS.compile(
      RE2JS.translateRegExp(rewrite(expression.source, flags.includes('s'))),
      RE2JS.LOOKBEHINDS |
        (flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0) |
        (flags.includes('m') ? RE2JS.MULTILINE : 0) |
        (flags.includes('s') ? RE2JS.DOTALL : 0),
    );
  } catch (e) {
    const why = typeof (e as Error | undefined)?.message === 'string' ? (e as Error).message : String(e);
    throw new Error(
      `Invalid config app.analytics.segment.${expression.key}: expected a regular expression the linear-time engine can run (${why})`,
    );
  }
  const find = (text: string, mark: string) => {
    const spans: Array<[number, number]> = [];
    let offset = 0;
    for (const part of text.split(mark)) {
      // Most text holds no match: RE2's test runs on its fast automaton, without tracking where.
      if (re.test(part)) {
        for (const matcher = re.matcher(part); matcher.find(); ) {
          if (matcher.end() > matcher.start()) spans.push([offset + matcher.start(), offset + matcher.end()]);
        }
      }
      offset += part.length + mark.length;
    }
    return spans;
  };
  const size = re.programSize();
  return {
    cost: size > SMALL_PROGRAM ? size : 0,
    test: text => re.test(text),
    find,
    redact(text, mark) {
      let out = '';
      let from = 0;
      for (const [start, end] of find(text, mark)) {
        out += text.slice(from, start) + mark;
        from = end;
      }
      return from ? out + text.slice(from) : text;
    },
  };
}
