/**
 * A regular expression from the config (a `redact.patterns` entry or a
 * `/.../` rule field), checked when the config is read; the linear-time
 * engine compiles it once it has loaded (see `prepareExpressions`).
 */
export type UserExpression = {
  /** Where it comes from, e.g. `redact.patterns[2]`: named when the engine refuses it. */
  key: string;
  /** The expression as written (JavaScript syntax, Unicode mode). */
  source: string;
  /** Of JavaScript's flags, those that change a match: `i`, `m`, `s`. */
  flags: string;
};

/**
 * Checks a regular expression from the config: JavaScript syntax in Unicode
 * mode (the `u` flag is implied, so `v` cannot be added). `g`, `y` and `d`
 * are accepted and ignored.
 *
 * @remarks
 * What no linear-time engine runs (lookaheads, back-references) passes this
 * check and is refused when the engine compiles it, also naming the key.
 *
 * @param key - the config key, kept for the engine's errors
 * @throws SyntaxError naming what is wrong
 */
export function parseUserExpression(source: string, flags: string, key: string): UserExpression {
  // Throws JavaScript's own SyntaxError (invalid syntax, unknown or repeated flags).
  // eslint-disable-next-line no-new
  new RegExp(source, flags.includes('u') ? flags : `${flags}u`);
  return { key, source, flags: flags.replace(/[^ims]/g, '') };
}
