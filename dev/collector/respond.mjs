// @ts-check
// HTTP plumbing of the collector: bounded body reading and responses with the
// right CORS and hardening headers. No collector state.
import { TOKEN_HEADER } from './access.mjs';

/**
 * @typedef {{ text: string, bytes: number, complete: boolean }} Body
 *   complete is false when the body was larger than the limit (then text is empty
 *   and the rest of the body was not read).
 */

/**
 * Reads the body, up to `limit` bytes. Stops reading (without draining) as
 * soon as the limit is passed or the declared Content-Length is above it.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<Body>}
 */
export async function readBody(req, limit) {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return { text: '', bytes: declared, complete: false };
  /** @type {Buffer[]} */
  const chunks = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += chunk.length;
    if (bytes > limit) return { text: '', bytes, complete: false };
    chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytes, complete: true };
}

/** Request headers a preflight may ask for when none are named. */
const DEFAULT_ALLOWED_HEADERS = `Content-Type, Authorization, ${TOKEN_HEADER}`;

/**
 * CORS headers for an allowed origin; none for anything else.
 * @param {import('node:http').IncomingMessage} req
 * @param {string | undefined} corsOrigin
 * @returns {Record<string, string>}
 */
function corsHeaders(req, corsOrigin) {
  if (corsOrigin === undefined) return { Vary: 'Origin' };
  const requested = req.headers['access-control-request-headers'];
  /** @type {Record<string, string>} */
  const headers = {
    'Access-Control-Allow-Origin': corsOrigin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Headers':
      typeof requested === 'string' && /^[\w\-, ]{1,500}$/.test(requested) ? requested : DEFAULT_ALLOWED_HEADERS,
    'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin, Access-Control-Request-Headers',
  };
  // Chrome's Private Network Access preflight.
  if (req.headers['access-control-request-private-network'] === 'true') {
    headers['Access-Control-Allow-Private-Network'] = 'true';
  }
  return headers;
}

/**
 * @typedef {object} Reply
 * @property {import('node:http').IncomingMessage} req
 * @property {import('node:http').ServerResponse} res
 * @property {string | undefined} corsOrigin the allowed origin to name in CORS headers
 * @property {boolean} [close] close the connection after answering (body left unread)
 */

/**
 * Sends a response; returns the status sent.
 * @param {Reply} reply
 * @param {number} status
 * @param {string} text
 * @param {string} contentType
 * @param {Record<string, string>} [extra]
 * @returns {{ status: number }}
 */
export function send({ req, res, corsOrigin, close }, status, text, contentType, extra = {}) {
  res.writeHead(status, {
    ...corsHeaders(req, corsOrigin),
    'Content-Type': contentType,
    // Only what a GET reads (the events page, the message list, settings): a browser keeps no POST answer
    // anyway, and Chromium holds about 2 MB of shared memory, for the page's life, per `no-store` answer
    // whose body is never read, which is every answer of the Segment library's standard delivery.
    ...(req.method === 'GET' ? { 'Cache-Control': 'no-store' } : {}),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'Referrer-Policy': 'no-referrer',
    ...(close ? { Connection: 'close' } : {}),
    ...extra,
  });
  res.end(status === 204 ? undefined : text);
  return { status };
}

/**
 * @param {Reply} reply
 * @param {number} status
 * @param {unknown} value
 * @returns {{ status: number }}
 */
export function json(reply, status, value) {
  return send(reply, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

/**
 * Answers `{ success: false, message }` and reports the reason.
 * @param {Reply} reply
 * @param {number} status
 * @param {string} message
 * @returns {{ status: number, error: string }}
 */
export function reject(reply, status, message) {
  json(reply, status, { success: false, message });
  return { status, error: message };
}

/**
 * @param {Reply} reply
 * @param {string} allow
 * @returns {{ status: number, error: string }}
 */
export function notAllowed(reply, allow) {
  reply.res.setHeader('Allow', `${allow}, OPTIONS`);
  return reject(reply, 405, `method ${String(reply.req.method).slice(0, 20)} not allowed; use ${allow}`);
}
