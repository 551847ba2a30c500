/** Most bytes one UTF-16 unit of a string takes in UTF-8 JSON (`\u001f`, a lone surrogate `\udc00`). */
const MAX_BYTES_PER_UNIT = 6;

/** Longest JSON text of a number (`-1.2345678901234567e-308`). */
const MAX_NUMBER_BYTES = 24;

/** Deeper than this, no bound is given (the exact measure decides). */
const MAX_DEPTH = 32;

/**
 * An upper bound on the UTF-8 bytes of `JSON.stringify(value)`, found
 * without building the text; `Infinity` as soon as it passes `limit`, and
 * for anything it cannot bound (a BigInt, a `toJSON` other than a Date's,
 * nesting deeper than 32).
 *
 * @remarks
 * Walks the value once, adding each string's length times six (the most a
 * UTF-16 unit can take once escaped and encoded) and each number's longest
 * text: for the small calls an app sends, far under the limit, this answers
 * "small enough" without a stringify or an encode per call.
 */
export function jsonSizeBound(value: unknown, limit: number): number {
  let total = 0;
  const add = (bytes: number) => {
    total += bytes;
    return total <= limit;
  };
  const walk = (item: unknown, depth: number): boolean => {
    switch (typeof item) {
      case 'string':
        return add(2 + item.length * MAX_BYTES_PER_UNIT);
      case 'number':
        return add(MAX_NUMBER_BYTES);
      case 'boolean':
        return add(5);
      case 'undefined':
      case 'function':
      case 'symbol':
        return add(4); // left out, or `null` in an array
      case 'object':
        break;
      default:
        return false; // a BigInt: JSON throws
    }
    if (item === null) return add(4);
    if (item instanceof Date) return add(32);
    if (depth >= MAX_DEPTH || typeof (item as { toJSON?: unknown }).toJSON === 'function') return false;
    if (Array.isArray(item)) {
      if (!add(2 + item.length)) return false;
      for (let i = 0; i < item.length; i++) if (!walk(item[i], depth + 1)) return false;
      return true;
    }
    const keys = Object.keys(item);
    if (!add(2 + keys.length)) return false;
    for (const key of keys) {
      if (!add(3 + key.length * MAX_BYTES_PER_UNIT)) return false;
      if (!walk((item as Record<string, unknown>)[key], depth + 1)) return false;
    }
    return true;
  };
  try {
    return walk(value, 0) ? total : Infinity;
  } catch {
    return Infinity; // a getter that throws: the exact measure decides
  }
}
