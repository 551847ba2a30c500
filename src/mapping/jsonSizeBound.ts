/** Deeper than this, no bound is given (the exact measure decides). */
const MAX_DEPTH = 32;

/**
 * An upper bound on the UTF-8 bytes of `JSON.stringify(value)`, found
 * without building the text; `Infinity` as soon as it passes `limit`, and
 * for anything it cannot bound (a BigInt, a `toJSON` other than a Date's,
 * nesting deeper than 32, a getter that throws).
 *
 * @remarks
 * Walks the value once: each string counts six bytes per UTF-16 unit (the
 * most one takes once escaped, `\u001f`, and encoded), each key the same
 * plus its quotes, colon and comma, anything else 32 bytes (a number's
 * longest text is 24, a Date's 29). For the small calls an app sends, far
 * under the limit, this answers "small enough" without a stringify and an
 * encode per call.
 */
export function jsonSizeBound(value: unknown, limit: number): number {
  let total = 0;
  const walk = (item: unknown, depth: number): void => {
    if (typeof item === 'string') total += 2 + item.length * 6;
    else if (typeof item === 'bigint' || depth > MAX_DEPTH) throw item;
    else if (item === null || typeof item !== 'object' || item instanceof Date) total += 32;
    else if (typeof (item as { toJSON?: unknown }).toJSON === 'function') throw item;
    else if (Array.isArray(item)) {
      total += 2 + item.length * 5; // commas, and `null` for holes
      for (let i = 0; i < item.length; i++) walk(item[i], depth + 1);
    } else {
      total += 2;
      for (const key of Object.keys(item)) {
        total += 4 + key.length * 6;
        walk((item as Record<string, unknown>)[key], depth + 1);
      }
    }
    if (total > limit) throw item;
  };
  try {
    walk(value, 0);
    return total;
  } catch {
    return Infinity;
  }
}
