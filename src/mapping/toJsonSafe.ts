import { cutText } from '../text/cutText';

/**
 * Markers put in place of values that cannot be sent as JSON.
 *
 * @remarks
 * - `circular`: a reference back to an object that contains it;
 * - `tooDeep`: an object or array nested deeper than {@link MAX_DEPTH};
 * - `unsupported`: a function or a symbol;
 * - `unreadable`: a value whose reading threw (a throwing getter or
 *   `toJSON`, a Proxy whose traps throw, a revoked Proxy);
 * - `truncated`: what is left of an object or array after
 *   {@link MAX_VALUES} values have been copied (one marker per container).
 *
 * A BigInt is not marked: it becomes its decimal string, which loses nothing.
 */
export const JSON_SAFE_MARKERS = {
  circular: '[circular]',
  tooDeep: '[too deep]',
  unsupported: '[unsupported]',
  unreadable: '[unreadable]',
  truncated: '[truncated]',
} as const;

/**
 * What a marker stands for, `bigint`, or `__proto__ key` (a key of that name
 * is left out: the Segment library's copy of each call drops it, and a
 * consumer downstream would take it for a prototype); reported to the
 * caller, who may warn.
 */
export type JsonSafeProblem = keyof typeof JSON_SAFE_MARKERS | 'bigint' | '__proto__ key';

/**
 * Deepest nesting kept, counted from the value given: objects and arrays
 * below it become {@link JSON_SAFE_MARKERS}.tooDeep. Backstage attributes and
 * contexts are flat; 16 levels leave room for any structured value while
 * keeping every walk of the payload (the library clones it recursively) far
 * from the engine's stack limit.
 */
export const MAX_DEPTH = 16;

/**
 * Most values (of any kind, at any depth) copied from one value. Segment
 * rejects a message over 32 KB, which cannot hold more than about 16,000
 * values: copying more is wasted work on the caller's stack.
 */
export const MAX_VALUES = 10_000;

/** Longest string kept as is; longer ones are cut (they could not be sent anyway). */
export const MAX_STRING_CHARS = 32 * 1024;

/** The JSON value a safe copy holds (plus `undefined`, which JSON leaves out). */
export type JsonSafe = string | number | boolean | null | undefined | JsonSafe[] | { [key: string]: JsonSafe };

type Walk = { budget: number; ancestors: unknown[]; report: (problem: JsonSafeProblem) => void };

function mark(walk: Walk, problem: keyof typeof JSON_SAFE_MARKERS): string {
  walk.report(problem);
  return JSON_SAFE_MARKERS[problem];
}

const { toString: tagOf } = Object.prototype;

/**
 * As JSON.stringify does: a Number, String or Boolean object (from any
 * realm: told by its internal slot) stands for its value as `Number()` or
 * `String()` converts it (its own `valueOf` or `toString` honoured), a
 * BigInt object for its BigInt; anything else is returned as is. May throw
 * (a conversion that throws): the caller marks the value unreadable.
 */
function unboxed(value: object): unknown {
  let slot: unknown;
  try {
    // A throwing `Symbol.toStringTag` (a Proxy's, say): an object, as JSON sees it (it never reads the tag).
    const tag = tagOf.call(value);
    // Each throws unless the value has that slot (a `Symbol.toStringTag` alone does not make one).
    if (tag === '[object Number]') slot = Number.prototype.valueOf.call(value);
    else if (tag === '[object String]') slot = String.prototype.valueOf.call(value);
    else if (tag === '[object Boolean]') slot = Boolean.prototype.valueOf.call(value);
    else if (tag === '[object BigInt]') slot = BigInt.prototype.valueOf.call(value);
    else return value;
  } catch {
    return value;
  }
  if (typeof slot === 'number') return Number(value);
  if (typeof slot === 'string') return String(value);
  return slot;
}

/** Copies `value`, found under `key` (`''` at the top), as JSON would serialize it. */
function copy(value: unknown, depth: number, walk: Walk, key: string): JsonSafe {
  walk.budget--;
  const type = typeof value;
  if (type === 'string') {
    const text = value as string;
    return text.length > MAX_STRING_CHARS ? cutText(text, MAX_STRING_CHARS) + JSON_SAFE_MARKERS.truncated : text;
  }
  if (type === 'bigint') {
    // JSON calls a `toJSON` of BigInts (a polyfill's) and throws without one: here, the decimal string.
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return copyConverted(() => toJSON.call(value, key), depth, walk, key);
    walk.report('bigint');
    return String(value);
  }
  if (type === 'function' || type === 'symbol') return mark(walk, 'unsupported');
  if (type !== 'object' || value === null) return value as JsonSafe;
  // As JSON.stringify does: a `toJSON` method is called once, with the key, and its result copied.
  return copyConverted(
    () => {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      return typeof toJSON === 'function' ? toJSON.call(value, key) : value;
    },
    depth,
    walk,
    key,
  );
}

/** Copies what `convert` gives (a `toJSON`'s result, say), unwrapped as JSON does; a conversion that throws is unreadable. */
function copyConverted(convert: () => unknown, depth: number, walk: Walk, key: string): JsonSafe {
  try {
    let json = convert();
    if (json !== null && typeof json === 'object') {
      const primitive = unboxed(json);
      if (primitive === json) return copyContainer(json, depth, walk);
      json = primitive;
    }
    // A BigInt a `toJSON` gave, or a BigInt object stood for: its decimal string (its `toJSON` is not called again).
    if (typeof json === 'bigint') {
      walk.report('bigint');
      return String(json);
    }
    return copy(json, depth, walk, key);
  } catch {
    return mark(walk, 'unreadable');
  }
}

function copyContainer(value: object, depth: number, walk: Walk): JsonSafe {
  if (walk.ancestors.includes(value)) return mark(walk, 'circular');
  if (depth >= MAX_DEPTH) return mark(walk, 'tooDeep');
  walk.ancestors.push(value);
  try {
    const source = value as Record<string | number, unknown>;
    if (Array.isArray(value)) {
      const out: JsonSafe[] = [];
      for (let i = 0, length = value.length; i < length; i++) {
        if (walk.budget <= 0) {
          out.push(mark(walk, 'truncated'));
          break;
        }
        out.push(copyEntry(source, i, depth, walk));
      }
      return out;
    }
    const out: { [key: string]: JsonSafe } = {};
    // A typed array (a buffer of 5 MB, say) is an object of index keys to JSON: read only as many as are copied.
    const keys = isTypedArray(value) ? indexKeys(value.length, walk.budget + 1) : Object.keys(value);
    for (const key of keys) {
      if (walk.budget <= 0) {
        out[JSON_SAFE_MARKERS.truncated] = mark(walk, 'truncated');
        break;
      }
      if (key === '__proto__') walk.report('__proto__ key');
      else out[key] = copyEntry(source, key, depth, walk);
    }
    return out;
  } finally {
    walk.ancestors.pop();
  }
}

function isTypedArray(value: object): value is ArrayLike<unknown> {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** The keys `0` to `length - 1`, at most `count` of them. */
function indexKeys(length: number, count: number): string[] {
  return Array.from({ length: Math.min(length, count) }, (_, i) => String(i));
}

/** Reads one entry (a getter may throw) and copies it one level down. */
function copyEntry(source: Record<string | number, unknown>, key: string | number, depth: number, walk: Walk): JsonSafe {
  let entry: unknown;
  try {
    entry = source[key];
  } catch {
    return mark(walk, 'unreadable');
  }
  return copy(entry, depth + 1, walk, String(key));
}

/**
 * A copy of `value` that `JSON.stringify` always accepts, made without ever
 * throwing.
 *
 * @remarks
 * Pure: `value` is only read (getters and `toJSON` are called, as
 * `JSON.stringify` would). Follows JSON's rules (own enumerable string keys,
 * `toJSON` honoured with its key, so a Date becomes its ISO string; a
 * Number, String or Boolean object becomes its value), but leaves out keys
 * named `__proto__` (reported), and where JSON would
 * throw or the result could not be sent, puts a marker instead: see
 * {@link JSON_SAFE_MARKERS}, {@link MAX_DEPTH}, {@link MAX_VALUES} and
 * {@link MAX_STRING_CHARS}. Shared (non-circular) references are copied
 * twice, as JSON does. `report` hears of each marker placed.
 *
 * @param key - the name `value` is found under where it is sent (what a
 *   `toJSON` of it is given); `''` by default, as at the top of a JSON text
 */
export function toJsonSafe(value: unknown, report: (problem: JsonSafeProblem) => void = () => {}, key = ''): JsonSafe {
  try {
    return copy(value, 0, { budget: MAX_VALUES, ancestors: [], report }, key);
  } catch {
    // Only a report callback that throws can get here.
    return JSON_SAFE_MARKERS.unreadable;
  }
}
