// @ts-check
// Pure validation of Segment tracking requests: no I/O, no state.
// Rules follow Segment's HTTP Tracking API documentation (message and batch
// size limits, at most 2500 messages per batch, required identity and
// messageId, `event` on track, `groupId` on group, ISO-8601 timestamps).
// Segment documents no nesting limit; this collector caps it at MAX_DEPTH so
// that nothing it stores can overflow a stack when rendered.

/** Maximum size of one message: its JSON encoding, in bytes. */
export const MAX_MESSAGE_BYTES = 32 * 1024;

/** Maximum size of a batch request body, in bytes. */
export const MAX_BATCH_BYTES = 500 * 1024;

/** Maximum number of messages in one batch request (Segment's documented limit). */
export const MAX_BATCH_MESSAGES = 2500;

/**
 * Maximum JSON nesting depth of one message: the message object is depth 1,
 * `{ properties: { a: {} } }` is depth 3. A batch body adds two levels
 * (the body and its `batch` array).
 */
export const MAX_DEPTH = 128;

/** Maximum length of a messageId, in characters. */
export const MAX_MESSAGE_ID_LENGTH = 100;

/** The message types Segment knows. */
export const MESSAGE_TYPES = Object.freeze(['track', 'page', 'identify', 'group', 'alias', 'screen']);

/**
 * Tracking paths that carry one message, mapped to the type they require.
 * Short paths are used by `@segment/analytics-next`, long ones by the HTTP API.
 * @type {Readonly<Record<string, string>>}
 */
export const SINGLE_PATHS = Object.freeze({
  '/v1/t': 'track',
  '/v1/p': 'page',
  '/v1/i': 'identify',
  '/v1/g': 'group',
  '/v1/a': 'alias',
  '/v1/s': 'screen',
  '/v1/track': 'track',
  '/v1/page': 'page',
  '/v1/identify': 'identify',
  '/v1/group': 'group',
  '/v1/alias': 'alias',
  '/v1/screen': 'screen',
});

/** Tracking paths that carry `{ batch: [...] }`. */
export const BATCH_PATHS = Object.freeze(['/v1/b', '/v1/batch', '/v1/import']);

const LONG_PATH = /^\/v1\/[a-z]{3,}$/;
const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const TIMESTAMP_FIELDS = ['timestamp', 'sentAt', 'originalTimestamp'];

/**
 * Whether `path` is a tracking path (single or batch) that carries messages.
 * @param {string} path URL pathname
 * @returns {boolean}
 */
export function isTrackingPath(path) {
  return Object.hasOwn(SINGLE_PATHS, path) || BATCH_PATHS.includes(path);
}

/**
 * @typedef {{ ok: true, messages: object[] } | { ok: false, message: string }} ValidationResult
 */

/**
 * Validates a parsed request body against Segment's rules for the given path.
 * On success returns the messages to record (exactly the objects that were
 * sent); on failure returns a human-readable message naming the broken rule.
 * A batch is rejected whole if any of its messages is invalid.
 * @param {string} path tracking path, e.g. `/v1/t` or `/v1/batch`
 * @param {unknown} body the parsed JSON body
 * @param {{ bodyBytes?: number }} [info] raw body size, for the batch limit
 * @returns {ValidationResult}
 */
export function validateRequest(path, body, { bodyBytes = 0 } = {}) {
  if (BATCH_PATHS.includes(path)) return validateBatch(body, bodyBytes);
  const expected = SINGLE_PATHS[path];
  if (!expected) return fail(`unknown tracking path ${path}`);
  // The HTTP API (long paths) infers the type from the path, so there a
  // missing `type` is allowed; analytics-next always sends one.
  const error = checkMessage(body, expected, LONG_PATH.test(path));
  return error ? fail(error) : { ok: true, messages: [/** @type {object} */ (body)] };
}

/**
 * @param {unknown} body
 * @param {number} bodyBytes
 * @returns {ValidationResult}
 */
function validateBatch(body, bodyBytes) {
  if (bodyBytes > MAX_BATCH_BYTES) {
    return fail(`batch body is ${bodyBytes} bytes; it must be at most ${MAX_BATCH_BYTES} bytes (500 KB)`);
  }
  if (!isPlainObject(body)) return fail('body must be a JSON object');
  if (!Array.isArray(body.batch)) return fail('batch request body must have a "batch" array');
  if (body.batch.length > MAX_BATCH_MESSAGES) {
    return fail(`batch has ${body.batch.length} messages; it may have at most ${MAX_BATCH_MESSAGES}`);
  }
  const timestampError = checkTimestamps(body, 'batch');
  if (timestampError) return fail(timestampError);
  for (const [index, message] of body.batch.entries()) {
    const error = checkMessage(message, undefined, false);
    if (error) return fail(`batch[${index}]: ${error}`);
  }
  return { ok: true, messages: body.batch };
}

/**
 * Checks one message; returns a description of the first broken rule.
 * @param {unknown} message
 * @param {string | undefined} expectedType type required by the path, if any
 * @param {boolean} typeOptional whether a missing type is inferred from the path
 * @returns {string | undefined}
 */
function checkMessage(message, expectedType, typeOptional) {
  if (!isPlainObject(message)) return 'message must be a JSON object';
  const { type } = message;
  if (expectedType) {
    if (!(type === undefined && typeOptional) && type !== expectedType) {
      return `type must match the path: expected "${expectedType}", got ${describe(type)}`;
    }
  } else if (typeof type !== 'string' || !MESSAGE_TYPES.includes(type)) {
    return `type must be one of ${MESSAGE_TYPES.join(', ')}; got ${describe(type)}`;
  }
  if (!isNonEmptyString(message.userId) && !isNonEmptyString(message.anonymousId)) {
    return 'userId or anonymousId is required (non-empty string)';
  }
  if (!isNonEmptyString(message.messageId)) return 'messageId is required (non-empty string)';
  if (message.messageId.length > MAX_MESSAGE_ID_LENGTH) {
    return `messageId must be at most ${MAX_MESSAGE_ID_LENGTH} characters; got ${message.messageId.length}`;
  }
  const timestampError = checkTimestamps(message, 'message');
  if (timestampError) return timestampError;
  const effectiveType = type ?? expectedType;
  if (effectiveType === 'track' && !isNonEmptyString(message.event)) {
    return 'event is required on track (non-empty string)';
  }
  if (effectiveType === 'group' && !isNonEmptyString(message.groupId) && !isFiniteNumber(message.groupId)) {
    return `groupId is required on group (non-empty string or number); got ${describe(message.groupId)}`;
  }
  if (effectiveType === 'alias' && !isNonEmptyString(message.previousId) && !isFiniteNumber(message.previousId)) {
    return `previousId is required on alias (non-empty string or number); got ${describe(message.previousId)}`;
  }
  const bytes = Buffer.byteLength(JSON.stringify(message));
  if (bytes > MAX_MESSAGE_BYTES) {
    return `message is ${bytes} bytes; it must be at most ${MAX_MESSAGE_BYTES} bytes (32 KB)`;
  }
  return undefined;
}

/**
 * @param {Record<string, unknown>} object
 * @param {string} what
 * @returns {string | undefined}
 */
function checkTimestamps(object, what) {
  for (const field of TIMESTAMP_FIELDS) {
    const value = object[field];
    if (value === undefined) continue;
    if (!isIsoTimestamp(value)) {
      return `${what} ${field} must be an ISO-8601 string; got ${describe(value)}`;
    }
  }
  return undefined;
}

/**
 * Whether `value` is an ISO-8601 date or date-time string that Date can parse.
 * @param {unknown} value
 * @returns {boolean}
 */
export function isIsoTimestamp(value) {
  return typeof value === 'string' && ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
}

/** @param {unknown} value @returns {value is Record<string, any>} */
function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @param {unknown} value @returns {value is string} */
function isNonEmptyString(value) {
  return typeof value === 'string' && value.length > 0;
}

/** @param {unknown} value @returns {value is number} */
function isFiniteNumber(value) {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * The deepest nesting of objects and arrays in a JSON text, found by a linear
 * scan that skips string contents (no parsing, no recursion), so that a
 * hostile body can be refused before `JSON.parse` builds it. Stops counting
 * once `limit` is exceeded and returns `limit + 1`.
 * @param {string} text
 * @param {number} [limit=Infinity]
 * @returns {number}
 */
export function jsonDepth(text, limit = Infinity) {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return limit + 1;
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
}

/**
 * The nesting limit for a body sent to `path`: MAX_DEPTH for one message,
 * two more for a batch body (`{ batch: [message] }`).
 * @param {string} path
 * @returns {number}
 */
export function depthLimitFor(path) {
  return BATCH_PATHS.includes(path) ? MAX_DEPTH + 2 : MAX_DEPTH;
}

/** @param {unknown} value @returns {string} */
function describe(value) {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** @param {string} message @returns {{ ok: false, message: string }} */
function fail(message) {
  return { ok: false, message };
}
