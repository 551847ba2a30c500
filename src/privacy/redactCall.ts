import { MAX_DEPTH as SAFE_DEPTH } from '../mapping/toJsonSafe';
import { PageInfo, SegmentCall, SegmentProperties } from '../mapping/SegmentCall';
import { AllowList, PrivacyConfig, REDACTED } from './PrivacyConfig';
import { TextRedactor } from './redactText';

const PAGE_FIELDS = ['url', 'path', 'search', 'title', 'referrer'] as const;

/**
 * Nesting deeper than this is not walked: the value is replaced as a whole.
 * Above the depth the mapping already caps event values at, so a call fresh
 * from the mapping is always walked to its end.
 */
const MAX_DEPTH = SAFE_DEPTH + 4;

/** Most objects and arrays walked in one value; beyond, they are replaced as a whole. */
const MAX_NODES = 5000;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * How the strings of a value are rewritten: `text` for every string, keys
 * included; `object`, if given, sees each plain object first and may return
 * a changed copy (route attributes naming a user, say).
 */
export type Rewriter = {
  text: TextRedactor;
  object?: (value: Record<string, unknown>) => Record<string, unknown>;
};

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/**
 * The object with its keys rewritten (values kept), in order; the same
 * object when no key changes. A key that an earlier one already took
 * becomes `key (2)`, `key (3)`, ...: no value is lost.
 */
function rewriteKeys(value: Record<string, unknown>, text: TextRedactor): Record<string, unknown> {
  const keys = Object.keys(value);
  const rewritten = keys.map(key => text(key));
  if (rewritten.every((key, i) => key === keys[i])) return value;
  const copy: Record<string, unknown> = {};
  const taken = new Map<string, number>();
  keys.forEach((key, i) => {
    let free = rewritten[i];
    for (let n = taken.get(free) ?? 2; hasOwn(copy, free); n++) {
      free = `${rewritten[i]} (${n})`;
      taken.set(rewritten[i], n + 1);
    }
    Object.defineProperty(copy, free, {
      value: value[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return copy;
}

function walk(value: unknown, rw: Rewriter, budget: { nodes: number }, depth: number): unknown {
  if (typeof value === 'string') return rw.text(value);
  if (!value || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH || --budget.nodes < 0) return REDACTED;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const after = walk(value[i], rw, budget, depth + 1);
      if (after !== value[i]) (copy ??= [...value])[i] = after;
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  const seen = rw.object ? rw.object(value) : value;
  let copy: Record<string, unknown> | undefined = seen === value ? undefined : seen;
  for (const key of Object.keys(seen)) {
    const before = seen[key];
    const after = walk(before, rw, budget, depth + 1);
    if (after !== before) (copy ??= { ...seen })[key] = after;
  }
  return rewriteKeys(copy ?? value, rw.text);
}

/**
 * Rewrites every string inside `value`, and the keys of every object in it
 * (callers keep the payload's own layout keys by walking its top level
 * themselves). Copy on write: what holds nothing to change is returned as is (the same
 * object), so the payload keeps its exact shape, key order and `undefined`
 * members; a rewritten key that another key already took gets ` (2)`.
 * Cycles and hostile graphs cost bounded work: past a depth or a number of
 * objects, what is left is replaced by the redaction mark.
 */
export function redactValue(value: unknown, rw: Rewriter | TextRedactor): unknown {
  return walk(value, typeof rw === 'function' ? { text: rw } : rw, { nodes: MAX_NODES }, 0);
}

/** Keeps the allowed keys of an object, in their order; with a list, anything but an object of named keys is left out. */
export function keepAllowed(value: unknown, allowed: AllowList): unknown {
  if (allowed === '*') return value;
  // Not an object of named keys (a string, an array, a number): none of it is allowed.
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (allowed.has(key)) kept[key] = (value as Record<string, unknown>)[key];
  }
  return kept;
}

/**
 * The page fields with their strings redacted, after the rewriter's `object`
 * has seen the page (a user's page gets its title from it); the same object
 * when nothing changed.
 */
export function redactPage<T extends Partial<PageInfo>>(page: T, rw: Rewriter | TextRedactor): T {
  const { text, object } = typeof rw === 'function' ? { text: rw, object: undefined } : rw;
  const seen = (object ? object(page) : page) as T;
  let copy: T | undefined = seen === page ? undefined : seen;
  for (const field of PAGE_FIELDS) {
    const before = seen[field];
    if (typeof before !== 'string') continue;
    const after = text(before);
    if (after !== before) (copy ??= { ...seen })[field] = after as T[typeof field];
  }
  return copy ?? page;
}

/** What {@link redactCall} needs: the allow-lists, the search-term mode, and how strings are rewritten. */
export type CallRedaction = Pick<PrivacyConfig, 'allowedAttributes' | 'allowedContexts' | 'searchTerms'> & Rewriter;

/**
 * Applies the allow-lists and the redaction to one call, before it is
 * queued: `attributes` and `additionalContext` keep only allowed keys;
 * every string in the properties (nested keys included), in the page and
 * the event name is rewritten; with `searchTerms: 'redact'` a search's
 * subject becomes `[redacted]` (`'sha-256'` is finished by the caller,
 * which hashes the rewritten subject).
 *
 * @remarks
 * Pure: the call is not changed; the result shares what did not change.
 */
export function redactCall(call: SegmentCall, r: CallRedaction): SegmentCall {
  // Properties as a whole through `object` too: a page call's describe its page (a user's page gets its
  // title there), a click's its link (one to a user's page gets its subject there).
  const input = (r.object ? r.object(call.properties) : call.properties) as SegmentProperties;
  const properties: SegmentProperties = {};
  let changed = input !== call.properties;
  for (const key of Object.keys(input)) {
    let value = input[key];
    if (key === 'attributes') value = keepAllowed(value, r.allowedAttributes);
    else if (key === 'additionalContext') value = keepAllowed(value, r.allowedContexts);
    value = redactValue(value, r);
    if (key === 'subject' && r.searchTerms === 'redact' && input.action === 'search') value = REDACTED;
    properties[key] = value;
    changed ||= value !== input[key];
  }
  const page = redactPage(call.page, r);
  if (call.type === 'page') {
    return changed || page !== call.page ? { ...call, properties: changed ? properties : input, page } : call;
  }
  const event = r.text(call.event);
  if (!changed && page === call.page && event === call.event) return call;
  return { ...call, event, properties: changed ? properties : input, page };
}
