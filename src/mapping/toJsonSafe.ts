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

/** What a marker stands for; reported once per kind and value. */
export type JsonSafeProblem = keyof typeof JSON_SAFE_MARKERS | 'bigint';

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

function cutString(value: string): string {
  return value.length > MAX_STRING_CHARS ? `${value.slice(0, MAX_STRING_CHARS)}${JSON_SAFE_MARKERS.truncated}` : value;
}

function copy(value: unknown, depth: number, walk: Walk): JsonSafe {
  walk.budget -= 1;
  switch (typeof value) {
    case 'string':
      return cutString(value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'bigint':
      walk.report('bigint');
      return value.toString();
    case 'function':
    case 'symbol':
      walk.report('unsupported');
      return JSON_SAFE_MARKERS.unsupported;
    default:
  }
  if (value === null) return null;
  try {
    return copyObject(value as object, depth, walk);
  } catch {
    walk.report('unreadable');
    return JSON_SAFE_MARKERS.unreadable;
  }
}

/** As JSON.stringify does: a `toJSON` method is called once, and its result copied. */
function copyObject(value: object, depth: number, walk: Walk): JsonSafe {
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    const json: unknown = toJSON.call(value, '');
    if (json === null || typeof json !== 'object') return copy(json, depth, walk);
    if (json !== value) return copyContainer(json, depth, walk);
  }
  return copyContainer(value, depth, walk);
}

function copyContainer(value: object, depth: number, walk: Walk): JsonSafe {
  if (walk.ancestors.includes(value)) {
    walk.report('circular');
    return JSON_SAFE_MARKERS.circular;
  }
  if (depth >= MAX_DEPTH) {
    walk.report('tooDeep');
    return JSON_SAFE_MARKERS.tooDeep;
  }
  walk.ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      const out: JsonSafe[] = [];
      const length = value.length;
      for (let i = 0; i < length; i++) {
        if (walk.budget <= 0) {
          walk.report('truncated');
          out.push(JSON_SAFE_MARKERS.truncated);
          break;
        }
        out.push(readThen(value, i, depth, walk));
      }
      return out;
    }
    const out: { [key: string]: JsonSafe } = {};
    for (const key of Object.keys(value)) {
      if (walk.budget <= 0) {
        walk.report('truncated');
        out[JSON_SAFE_MARKERS.truncated] = JSON_SAFE_MARKERS.truncated;
        break;
      }
      // Plain assignment of a key like `__proto__` would set the prototype.
      Object.defineProperty(out, key, {
        value: readThen(value, key, depth, walk),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  } finally {
    walk.ancestors.pop();
  }
}

/** Reads one entry (a getter may throw) and copies it one level down. */
function readThen(container: object, key: string | number, depth: number, walk: Walk): JsonSafe {
  let entry: unknown;
  try {
    entry = (container as Record<string | number, unknown>)[key];
  } catch {
    walk.budget -= 1;
    walk.report('unreadable');
    return JSON_SAFE_MARKERS.unreadable;
  }
  return copy(entry, depth + 1, walk);
}

/**
 * A copy of `value` that `JSON.stringify` always accepts, made without ever
 * throwing.
 *
 * @remarks
 * Pure: `value` is only read (getters and `toJSON` are called, as
 * `JSON.stringify` would). Follows JSON's rules (own enumerable string keys,
 * `toJSON` honoured, so a Date becomes its ISO string), and where JSON would
 * throw or the result could not be sent, puts a marker instead: see
 * {@link JSON_SAFE_MARKERS}, {@link MAX_DEPTH}, {@link MAX_VALUES} and
 * {@link MAX_STRING_CHARS}. Shared (non-circular) references are copied
 * twice, as JSON does. `report` hears of each marker placed.
 */
export function toJsonSafe(value: unknown, report: (problem: JsonSafeProblem) => void = () => {}): JsonSafe {
  try {
    return copy(value, 0, { budget: MAX_VALUES, ancestors: [], report });
  } catch {
    // Only a report callback that throws can get here.
    return JSON_SAFE_MARKERS.unreadable;
  }
}
