import { MAX_DEPTH as SAFE_DEPTH } from '../mapping/toJsonSafe';
import { PageInfo, SegmentCall, SegmentProperties } from '../mapping/SegmentCall';
import { AllowList, PrivacyConfig, REDACTED } from './PrivacyConfig';
import { TextRedactor } from './redactText';

/**
 * Properties that name where an event comes from in the app (identifiers
 * from code, not user data): never redacted.
 */
const STRUCTURAL = new Set(['action', 'pluginId', 'routeRef', 'extensionId', 'category', 'value']);

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

function walk(value: unknown, redact: TextRedactor, budget: { nodes: number }, depth: number): unknown {
  if (typeof value === 'string') return redact(value);
  if (!value || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH || --budget.nodes < 0) return REDACTED;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const after = walk(value[i], redact, budget, depth + 1);
      if (after !== value[i]) (copy ??= [...value])[i] = after;
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const before = value[key];
    const after = walk(before, redact, budget, depth + 1);
    if (after !== before) (copy ??= { ...value })[key] = after;
  }
  return copy ?? value;
}

/**
 * Redacts every string inside `value`. Copy on write: what holds nothing to
 * redact is returned as is (the same object), so the payload keeps its
 * exact shape, key order and `undefined` members. Cycles and hostile graphs
 * cost bounded work: past a depth or a number of objects, what is left is
 * replaced by the redaction mark.
 */
export function redactValue(value: unknown, redact: TextRedactor): unknown {
  return walk(value, redact, { nodes: MAX_NODES }, 0);
}

/** Keeps the allowed keys of an object, in their order; anything else is returned as is. */
export function keepAllowed(value: unknown, allowed: AllowList): unknown {
  if (allowed === '*' || !value || typeof value !== 'object' || Array.isArray(value)) return value;
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (allowed.has(key)) kept[key] = (value as Record<string, unknown>)[key];
  }
  return kept;
}

/** The page fields with their strings redacted; the same object when nothing changed. */
export function redactPage<T extends Partial<PageInfo>>(page: T, redact: TextRedactor): T {
  let copy: T | undefined;
  for (const field of PAGE_FIELDS) {
    const before = page[field];
    if (typeof before !== 'string') continue;
    const after = redact(before);
    if (after !== before) (copy ??= { ...page })[field] = after as T[typeof field];
  }
  return copy ?? page;
}

/** What {@link redactCall} needs: the allow-lists, the search-term mode, and the text redaction. */
export type CallRedaction = Pick<PrivacyConfig, 'allowedAttributes' | 'allowedContexts' | 'searchTerms'> & {
  text: TextRedactor;
};

/**
 * Applies the allow-lists and the redaction to one call, before it is
 * queued: `attributes` and `additionalContext` keep only allowed keys;
 * every string in the properties (but the structural ones: action, plugin,
 * route, extension, category), in the page and in a `create` call's event
 * name is redacted; with `searchTerms: 'redact'` a search's subject becomes
 * `[redacted]` (`'sha-256'` is finished by the caller, which hashes the
 * redacted subject).
 *
 * @remarks
 * Pure: the call is not changed; the result shares what did not change.
 */
export function redactCall(call: SegmentCall, r: CallRedaction): SegmentCall {
  const input = call.properties;
  const properties: SegmentProperties = {};
  let changed = false;
  for (const key of Object.keys(input)) {
    let value = input[key];
    if (!STRUCTURAL.has(key)) {
      if (key === 'attributes') value = keepAllowed(value, r.allowedAttributes);
      else if (key === 'additionalContext') value = keepAllowed(value, r.allowedContexts);
      value = redactValue(value, r.text);
      if (key === 'subject' && r.searchTerms === 'redact' && input.action === 'search') value = REDACTED;
    }
    properties[key] = value;
    changed ||= value !== input[key];
  }
  const page = redactPage(call.page, r.text);
  if (call.type === 'page') {
    return changed || page !== call.page ? { ...call, properties: changed ? properties : input, page } : call;
  }
  const event = call.event === input.action ? call.event : (redactValue(call.event, r.text) as string);
  if (!changed && page === call.page && event === call.event) return call;
  return { ...call, event, properties: changed ? properties : input, page };
}
