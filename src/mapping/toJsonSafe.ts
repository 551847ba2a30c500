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

/** As JSON.stringify does: a Number, String or Boolean object stands for its primitive value. */
function unboxed(value: object): unknown {
  try {
    if (value instanceof Number) return Number.prototype.valueOf.call(value);
    if (value instanceof String) return String.prototype.valueOf.call(value);
    if (value instanceof Boolean) return Boolean.prototype.valueOf.call(value);
  } catch {
    // Only its prototype is one of theirs (`Object.create(Number.prototype)`): an object, as JSON sees it.
  }
  return value;
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
    walk.report('bigint');
    return String(value);
  }
  if (type === 'function' || type === 'symbol') return mark(walk, 'unsupported');
  if (type !== 'object' || value === null) return value as JsonSafe;
  try {
    // As JSON.stringify does: a `toJSON` method is called once, with the key, and its result copied.
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    const json: unknown = typeof toJSON === 'function' ? toJSON.call(value, key) : value;
    if (json === null || typeof json !== 'object') return copy(json, depth, walk, key);
    const primitive = unboxed(json);
    return primitive === json ? copyContainer(json, depth, walk) : copy(primitive, depth, walk, key);
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
 */
export function toJsonSafe(value: unknown, report: (problem: JsonSafeProblem) => void = () => {}): JsonSafe {
  try {
    return copy(value, 0, { budget: MAX_VALUES, ancestors: [], report }, '');
  } catch {
    // Only a report callback that throws can get here.
    return JSON_SAFE_MARKERS.unreadable;
  }
}
