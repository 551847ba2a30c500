import { cutText } from '../text/cutText';
import { SegmentCall } from './SegmentCall';
import { jsonSizeBound } from './jsonSizeBound';

/**
 * Segment rejects a message over 32 KB. The library adds its own context
 * (user agent, library version, ids) to what we build, so we keep our part
 * well under that.
 */
export const MAX_CALL_BYTES = 28 * 1024;

/** Strings longer than this are cut when a call is too large. */
const MAX_STRING_CHARS = 1024;

/** Appended to a string that was cut. */
export const TRUNCATION_MARK = '…[truncated]';

/**
 * The UTF-8 bytes of `value` as JSON, counted without encoding (no
 * `TextEncoder`: an app's jest environment on jsdom 20 has none).
 */
export function byteSize(value: unknown): number {
  const text = JSON.stringify(value) ?? '';
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // 2 bytes to U+07FF, 3 to U+FFFF; a surrogate pair 4 for its two units (JSON.stringify escapes a lone one).
    if (unit > 0x7f) bytes += unit < 0x800 || (unit >= 0xd800 && unit < 0xe000) ? 1 : 2;
  }
  return bytes;
}

/** A copy of `value` with every string longer than 1,024 characters cut and marked. */
export function truncateStrings(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.length > MAX_STRING_CHARS ? cutText(value, MAX_STRING_CHARS) + TRUNCATION_MARK : value;
  }
  if (Array.isArray(value)) return value.map(truncateStrings);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, truncateStrings(v)]));
  }
  return value;
}

/**
 * Keeps a call within Segment's per-message limit.
 *
 * @returns the call itself when small enough; else a copy with long strings
 * cut and marked with {@link TRUNCATION_MARK}; `undefined` when even that is
 * too large, or not serialisable at all (the caller drops it and says so).
 * Never throws.
 */
export function fitToSizeLimit(call: SegmentCall, maxBytes = MAX_CALL_BYTES): SegmentCall | undefined {
  try {
    // Most calls are far under the limit: a cheap bound says so without a stringify.
    if (jsonSizeBound(call, maxBytes) <= maxBytes || byteSize(call) <= maxBytes) return call;
    const cut = truncateStrings(call) as SegmentCall;
    const fitted = { ...cut, timestamp: call.timestamp } as SegmentCall;
    return byteSize(fitted) <= maxBytes ? fitted : undefined;
  } catch {
    // Not JSON at all (a call that bypassed the mapping's toJsonSafe): dropped, never thrown.
    return undefined;
  }
}

