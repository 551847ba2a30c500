/** The config block the module reads. */
export const ROOT = 'app.analytics.segment';

/**
 * The error for a value the module cannot use: it names the key in full
 * (`app.analytics.segment.redact.patterns[2]`), what the key accepts, and
 * why the value was refused.
 *
 * @param key - the key under {@link ROOT}; empty for the block itself
 */
export function invalid(key: string, accepts: string, detail?: string): Error {
  return new Error(`Invalid config ${key ? `${ROOT}.${key}` : ROOT}: expected ${accepts}${detail ? ` (${detail})` : ''}`);
}

/** How a refused value is told in an error: its JSON, or its kind for lists and objects. */
export function describe(value: unknown): string {
  if (value === null) return 'got null';
  if (Array.isArray(value)) return 'got a list';
  return typeof value === 'object' ? 'got an object' : `got ${JSON.stringify(value)}`;
}

/** Whether `value` is a plain config object (not a list, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An optional object holding only `allowed` keys; `{}` when absent. A key it
 * does not allow (a misspelled option, say) is an error naming that key in
 * full, with the keys allowed there.
 *
 * @param key - the block's key under {@link ROOT}; empty for the block itself
 */
export function block(value: unknown, key: string, allowed: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  const list = allowed.join(', ');
  if (!isObject(value)) throw invalid(key, `an object with ${list}`, describe(value));
  for (const name of Object.keys(value)) {
    if (!allowed.includes(name)) {
      throw new Error(`Invalid config ${ROOT}.${key ? `${key}.` : ''}${name}: unknown key (expected one of ${list})`);
    }
  }
  return value;
}

/**
 * A boolean as Backstage's own config reader takes one (`getOptionalBoolean`):
 * true or false, or a string or number spelling one (`true`/`false`,
 * `yes`/`no`, `y`/`n`, `on`/`off`, `1`/`0`, in any case, blanks around), so
 * that one environment variable works alike in every key; undefined for
 * anything else.
 */
export function asConfigBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^(?:y|yes|true|1|on)$/i.test(text)) return true;
  return /^(?:n|no|false|0|off)$/i.test(text) ? false : undefined;
}

/**
 * Whether a string from the config (an environment variable's value, say)
 * spells a number in plain decimal: digits, maybe a sign and a fraction,
 * maybe blanks around. Not '' nor '  ' (an empty variable), not '0x10',
 * '3e3' or 'Infinity', which JavaScript's `Number` would also read.
 */
export function isDecimalText(text: string): boolean {
  return /^\s*[-+]?\d+(\.\d+)?\s*$/.test(text);
}
