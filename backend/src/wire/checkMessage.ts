import { MAX_DEPTH, MAX_MESSAGE_BYTES, MAX_MESSAGE_ID_LENGTH, SEGMENT_TYPES, type SegmentType } from './limits';

/** A JSON object as parsed from the wire. */
export type JsonObject = Record<string, unknown>;

/** One message from the browser, checked: its type is known. */
export type CheckedMessage = JsonObject & { type: SegmentType; messageId: string };

/** `value` as JSON, in UTF-8 bytes (Segment's limits are in bytes). */
export const byteSize = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Whether `value` is an ISO-8601 date or date-time that Date can read. */
export function isIsoTimestamp(value: unknown): boolean {
  return typeof value === 'string' && ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
}

/** The deepest nesting of objects and arrays in `value` (a scalar is 0), walked without recursion; stops past `limit`. */
export function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** A problem found in a request: the HTTP status to answer and what to fix (never quoting a value). */
export type Problem = { ok: false; status: 400 | 413; message: string };

/** The result of a check: the value, or the problem. */
export type Checked<T> = { ok: true; value: T } | Problem;

const bad = (message: string): Problem => ({ ok: false, status: 400, message });

/**
 * Checks one message against Segment's rules and the relay's; returns the
 * first problem, or the message typed. `pathType` is the type a single-call
 * path implies (a missing `type` is taken from it).
 *
 * @remarks
 * Pure. A problem's text names the field and what it accepts, never the
 * value sent: the relay logs nothing a user sent, and answers only what the
 * client can already see.
 */
export function checkMessage(message: unknown, pathType?: SegmentType): Checked<CheckedMessage> {
  if (!isObject(message)) return bad('a message must be a JSON object');
  const type = message.type ?? pathType;
  if (pathType !== undefined && type !== pathType) return bad(`type must be "${pathType}" on this path`);
  if (typeof type !== 'string' || !SEGMENT_TYPES.includes(type as SegmentType)) {
    return bad(`type must be one of ${SEGMENT_TYPES.join(', ')}`);
  }
  const { messageId } = message;
  if (typeof messageId !== 'string' || messageId.trim() === '' || messageId.length > MAX_MESSAGE_ID_LENGTH) {
    return bad(`messageId is required: a non-empty string of at most ${MAX_MESSAGE_ID_LENGTH} characters (retries are deduplicated by it)`);
  }
  for (const field of ['timestamp', 'originalTimestamp', 'sentAt']) {
    if (message[field] !== undefined && !isIsoTimestamp(message[field])) return bad(`${field} must be an ISO-8601 date-time string`);
  }
  for (const field of ['context', 'properties', 'traits', 'integrations']) {
    if (message[field] !== undefined && !isObject(message[field])) return bad(`${field} must be a JSON object`);
  }
  if (type === 'track' && (typeof message.event !== 'string' || message.event.trim() === '')) {
    return bad('event is required on a track call (a non-empty string)');
  }
  if (depthOf(message, MAX_DEPTH) > MAX_DEPTH) return bad(`a message may nest at most ${MAX_DEPTH} levels deep`);
  const bytes = byteSize(message);
  if (bytes > MAX_MESSAGE_BYTES) {
    return { ok: false, status: 413, message: `a message is ${bytes} bytes; Segment accepts at most ${MAX_MESSAGE_BYTES} (32 KB)` };
  }
  return { ok: true, value: { ...message, type: type as SegmentType, messageId } };
}
