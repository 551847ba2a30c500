/**
 * A regular expression from the config (a `redact.patterns` entry or a
 * `/.../` rule field), checked when the config is read and rewritten for the
 * linear-time engine, which compiles it once it has loaded.
 */
export type UserExpression = {
  /** Where it comes from, e.g. `redact.patterns[2]`: named when the engine refuses it. */
  key: string;
  /** The expression, rewritten so that the engine matches what JavaScript would (see {@link parseUserExpression}). */
  source: string;
  /** Of JavaScript's flags, those that change a match: `i`, `m`, `s`. */
  flags: string;
};

/** JavaScript's `\s`: white space and line terminators, Unicode's included (RE2's `\s` is ASCII only). */
const SPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
/** What JavaScript's `.` matches without the `s` flag (RE2's `.` also matches `\r`, U+2028 and U+2029). */
const DOT = '[^\\n\\r\\u2028\\u2029]';

const refuse = (what: string) =>
  new SyntaxError(`${what} cannot run in linear time and is not supported`);

/**
 * Rewrites a (valid, Unicode-mode) JavaScript expression for the engine:
 * groups become non-capturing (nothing reads captures, and the engine
 * refuses captures inside a lookbehind), `\s`, `\S`, `.` and `[\b]` keep
 * JavaScript's meaning. Lookaheads and back-references are refused: no
 * linear-time engine runs them.
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
 * Checks a regular expression from the config and prepares it for the
 * linear-time engine.
 *
 * @remarks
 * The syntax is JavaScript's in Unicode mode (the `u` flag is implied: `.`
 * and classes work on code points, `\p{...}` is a property). What no
 * linear-time engine can run is refused here, with the reason: lookaheads
 * (`(?=`, `(?!`), back-references (`\1`, `\k<name>`) and the `v` flag.
 * Lookbehinds are supported. `g`, `y` and `d` are accepted and ignored.
 *
 * @param key - the config key, kept for errors the engine may give later
 * @throws SyntaxError naming what is wrong
 */
export function parseUserExpression(source: string, flags: string, key: string): UserExpression {
  if (flags.includes('v')) throw new SyntaxError("the flag 'v' is not supported");
  // Throws JavaScript's own SyntaxError (invalid syntax, unknown or repeated flags).
  // eslint-disable-next-line no-new
  new RegExp(source, flags.includes('u') ? flags : `${flags}u`);
  return { key, source: rewrite(source, flags.includes('s')), flags: flags.replace(/[^ims]/g, '') };
}
