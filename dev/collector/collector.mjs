// Embedded, loopback-only, Segment-compatible HTTP collector for development
// and tests. Node built-ins only. See README-less usage in cli.mjs and the tests.
import { createServer } from 'node:http';
import { isIP } from 'node:net';
import { SINGLE_PATHS, isTrackingPath, validateRequest } from './validate.mjs';
import { renderView, summarize } from './view.mjs';

/** At most this many message records (and request log entries) are kept; oldest are dropped. */
export const MAX_RECORDS = 10_000;

/** Request bodies are buffered up to this size; larger ones are counted, drained and rejected. */
const MAX_BODY_READ = 1024 * 1024;

const SETTINGS_PATH = /^\/v1\/projects\/([^/]+)\/settings\/?$/;

/**
 * @typedef {object} MessageRecord
 * @property {string} receivedAt ISO time the request arrived
 * @property {string} path the tracking path it arrived on, e.g. `/v1/b`
 * @property {Record<string, any>} message the message exactly as sent (frozen)
 */

/**
 * @typedef {object} RequestRecord
 * @property {string} method
 * @property {string} path URL pathname, without query string
 * @property {number} status the status answered (0 if the request broke before an answer)
 * @property {number} bodyBytes size of the request body in bytes
 * @property {string} receivedAt ISO time the request arrived
 * @property {string} [error] why it was rejected, for 4xx/5xx answers
 */

/**
 * @typedef {object} Collector
 * @property {string} url base URL, e.g. `http://127.0.0.1:PORT`
 * @property {number} port the bound port
 * @property {string} apiHost `127.0.0.1:PORT/v1`, without scheme (Segment's `apiHost` setting)
 * @property {() => Record<string, any>[]} messages accepted messages, oldest first, exactly as sent
 * @property {() => MessageRecord[]} records accepted messages with request metadata, oldest first
 * @property {() => RequestRecord[]} requests every HTTP request seen, oldest first
 * @property {() => string[]} distinctMessageIds distinct messageIds, in order of first arrival
 * @property {(ms: number, status?: number) => void} failFor answer tracking requests with `status` for `ms` ms from now
 * @property {() => void} clear forget recorded messages and requests (a failFor window stays)
 * @property {(predicate: (messages: Record<string, any>[]) => unknown, timeoutMs?: number) => Promise<Record<string, any>[]>} waitFor
 *   resolves with messages() once predicate(messages()) is truthy; rejects on timeout listing what arrived
 * @property {() => Promise<void>} close stop the server and reject pending waitFor calls
 */

/**
 * Starts a Segment-compatible collector bound to a loopback address.
 * Rejects if `host` is not a loopback address or the port cannot be bound.
 * @param {object} [options]
 * @param {number} [options.port=0] port to listen on; 0 picks a free one
 * @param {string} [options.host='127.0.0.1'] loopback address to bind (127.x.x.x, ::1 or localhost)
 * @param {string[]} [options.writeKeys] allow-list of write keys; if absent any key is accepted
 * @param {(line: string) => void} [options.log] called with one line per HTTP request
 * @returns {Promise<Collector>}
 */
export async function startCollector({ port = 0, host = '127.0.0.1', writeKeys, log } = {}) {
  const bindHost = loopbackHost(host);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`port must be an integer between 0 and 65535; got ${port}`);
  }
  if (writeKeys !== undefined && !(Array.isArray(writeKeys) && writeKeys.every((k) => typeof k === 'string'))) {
    throw new TypeError('writeKeys must be an array of strings');
  }
  const allowed = writeKeys && new Set(writeKeys);

  /** @type {MessageRecord[]} */
  let records = [];
  /** @type {RequestRecord[]} */
  let requestLog = [];
  let failingUntil = 0;
  let failStatus = 503;
  /** @type {Set<{ check: () => void, abort: (error: Error) => void }>} */
  const waiters = new Set();

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) json(req, res, 500, { success: false, message: String(error?.message ?? error) });
      else res.destroy();
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bindHost, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const apiHost = `${urlHost}:${address.port}/v1`;

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    const receivedAt = new Date().toISOString();
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://collector').pathname;
    /** @type {RequestRecord} */
    const entry = { method, path, status: 0, bodyBytes: 0, receivedAt };
    pushBounded(requestLog, entry);
    res.on('finish', () => log?.(`${method} ${path} -> ${entry.status} (${entry.bodyBytes} B)${entry.error ? `: ${entry.error}` : ''}`));

    const body = await readBody(req);
    entry.bodyBytes = body.bytes;
    const result = route(req, res, method, path, body, receivedAt);
    entry.status = result.status;
    if (result.error) entry.error = result.error;
  }

  /**
   * Answers one request; returns the status sent and, for failures, why.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} method
   * @param {string} path
   * @param {{ text: string, bytes: number, complete: boolean }} body
   * @param {string} receivedAt
   * @returns {{ status: number, error?: string }}
   */
  function route(req, res, method, path, body, receivedAt) {
    if (method === 'OPTIONS') return send(req, res, 204, '', 'text/plain');

    const settings = SETTINGS_PATH.exec(path);
    if (settings) {
      if (method !== 'GET') return notAllowed(req, res, 'GET');
      const writeKey = safeDecode(settings[1]);
      if (allowed && !allowed.has(writeKey)) return reject(req, res, 404, `unknown write key ${writeKey}`);
      return json(req, res, 200, settingsFor(writeKey, apiHost));
    }

    if (path === '/v1/m') {
      return method === 'POST' ? json(req, res, 200, { success: true }) : notAllowed(req, res, 'POST');
    }
    if (isTrackingPath(path)) {
      return method === 'POST' ? track(req, res, path, body, receivedAt) : notAllowed(req, res, 'POST');
    }

    if (path === '/' || path === '/events') {
      if (method === 'DELETE' && path === '/events') {
        clear();
        return json(req, res, 200, { success: true });
      }
      if (method !== 'GET') return notAllowed(req, res, path === '/events' ? 'GET, DELETE' : 'GET');
      const html = renderView(records.slice().reverse(), {
        distinctMessageIds: distinctMessageIds().length,
        failingUntil,
      });
      return send(req, res, 200, html, 'text/html; charset=utf-8');
    }
    if (path === '/events.json') {
      if (method !== 'GET') return notAllowed(req, res, 'GET');
      return json(req, res, 200, { messages: records.slice().reverse() });
    }
    if (path === '/requests.json') {
      if (method !== 'GET') return notAllowed(req, res, 'GET');
      return json(req, res, 200, { requests: requestLog.slice() });
    }
    if (path === '/_control/fail') {
      if (method !== 'POST') return notAllowed(req, res, 'POST');
      const parsed = parseJson(body.text);
      try {
        failFor(parsed.value?.ms, parsed.value?.status ?? 503);
      } catch (error) {
        return reject(req, res, 400, `expected JSON { ms, status }: ${/** @type {Error} */ (error).message}`);
      }
      return json(req, res, 200, { success: true, until: new Date(failingUntil).toISOString(), status: failStatus });
    }
    return reject(req, res, 404, `not found: ${method} ${path}`);
  }

  /**
   * Handles a POST to a tracking path: fail window, parsing, auth, validation, recording.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} path
   * @param {{ text: string, bytes: number, complete: boolean }} body
   * @param {string} receivedAt
   * @returns {{ status: number, error?: string }}
   */
  function track(req, res, path, body, receivedAt) {
    if (Date.now() < failingUntil) {
      return reject(req, res, failStatus, `collector is failing tracking requests on purpose (failFor, status ${failStatus})`);
    }
    if (!body.complete) {
      const limit = Object.hasOwn(SINGLE_PATHS, path) ? 'message must be at most 32768 bytes (32 KB)' : 'batch body must be at most 512000 bytes (500 KB)';
      return reject(req, res, 400, `request body is ${body.bytes} bytes; ${limit}`);
    }
    const parsed = parseJson(body.text);
    if (!parsed.ok) return reject(req, res, 400, `body must be valid JSON: ${parsed.error}`);

    if (allowed) {
      const keys = writeKeysOf(parsed.value, req.headers.authorization);
      if (keys.length === 0) return reject(req, res, 401, 'a write key is required (body writeKey or Authorization: Basic)');
      const unknown = keys.find((key) => !allowed.has(key));
      if (unknown !== undefined) return reject(req, res, 401, `unknown write key ${unknown}`);
    }

    const result = validateRequest(path, parsed.value, { bodyBytes: body.bytes });
    if (!result.ok) return reject(req, res, 400, result.message);
    for (const message of result.messages) {
      pushBounded(records, Object.freeze({ receivedAt, path, message: deepFreeze(message) }));
    }
    for (const waiter of waiters) waiter.check();
    return json(req, res, 200, { success: true });
  }

  /** @returns {Record<string, any>[]} */
  function messages() {
    return records.map((record) => record.message);
  }

  /** @returns {string[]} */
  function distinctMessageIds() {
    return [...new Set(records.map((record) => record.message.messageId))];
  }

  /**
   * @param {number} ms
   * @param {number} [status=503]
   */
  function failFor(ms, status = 503) {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new TypeError(`ms must be a non-negative number; got ${ms}`);
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new TypeError(`status must be an HTTP status code; got ${status}`);
    failingUntil = Date.now() + ms;
    failStatus = status;
  }

  function clear() {
    records = [];
    requestLog = [];
  }

  /**
   * @param {(messages: Record<string, any>[]) => unknown} predicate
   * @param {number} [timeoutMs=10000]
   * @returns {Promise<Record<string, any>[]>}
   */
  function waitFor(predicate, timeoutMs = 10_000) {
    return new Promise((resolve, rejectWait) => {
      /** @type {NodeJS.Timeout | undefined} */
      let timer;
      const waiter = {
        check() {
          let satisfied;
          try {
            satisfied = predicate(messages());
          } catch (error) {
            waiter.abort(/** @type {Error} */ (error));
            return;
          }
          if (satisfied) {
            done();
            resolve(messages());
          }
        },
        /** @param {Error} error */
        abort(error) {
          done();
          rejectWait(error);
        },
      };
      const done = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      waiters.add(waiter);
      waiter.check();
      if (!waiters.has(waiter)) return;
      timer = setTimeout(() => waiter.abort(new Error(timeoutReport(timeoutMs, records, requestLog))), timeoutMs);
    });
  }

  async function close() {
    for (const waiter of waiters) waiter.abort(new Error('collector closed before waitFor was satisfied'));
    await new Promise((resolve) => {
      server.close(() => resolve(undefined));
      server.closeAllConnections();
    });
  }

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    apiHost,
    messages,
    records: () => records.slice(),
    requests: () => requestLog.map((entry) => ({ ...entry })),
    distinctMessageIds,
    failFor,
    clear,
    waitFor,
    close,
  };
}

/**
 * Segment CDN-style settings for `writeKey`, pointing tracking at `apiHost`.
 * @param {string} writeKey
 * @param {string} apiHost `host:port/v1`, without scheme
 * @returns {object}
 */
export function settingsFor(writeKey, apiHost) {
  return {
    integrations: {
      'Segment.io': {
        apiKey: writeKey,
        apiHost,
        protocol: 'http',
        unbundledIntegrations: [],
        addBundledMetadata: true,
        maybeBundledConfigIds: {},
      },
    },
    plan: {
      track: { __default: { enabled: true, integrations: {} } },
      identify: { __default: { enabled: true } },
      group: { __default: { enabled: true } },
    },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}

/**
 * Returns the address to bind, or throws if `host` is not a loopback address.
 * @param {string} host
 * @returns {string}
 */
function loopbackHost(host) {
  if (host === 'localhost') return '127.0.0.1';
  if (isIP(host) === 4 && host.startsWith('127.')) return host;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return '::1';
  throw new Error(`the collector binds to loopback addresses only (127.x.x.x, ::1, localhost); refusing host ${JSON.stringify(host)}`);
}

/**
 * Reads the whole body; buffers at most MAX_BODY_READ bytes, counts the rest.
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<{ text: string, bytes: number, complete: boolean }>}
 */
async function readBody(req) {
  /** @type {Buffer[]} */
  const chunks = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += chunk.length;
    if (bytes <= MAX_BODY_READ) chunks.push(chunk);
  }
  const complete = bytes <= MAX_BODY_READ;
  return { text: complete ? Buffer.concat(chunks).toString('utf8') : '', bytes, complete };
}

/** @param {string} text @returns {string} */
function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * @param {string} text
 * @returns {{ ok: true, value: any } | { ok: false, error: string, value?: undefined }}
 */
function parseJson(text) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: /** @type {Error} */ (error).message };
  }
}

/**
 * Every write key a request carries: body `writeKey`, Basic auth user, and
 * the `writeKey` of each batch message.
 * @param {any} body
 * @param {string | undefined} authorization
 * @returns {string[]}
 */
function writeKeysOf(body, authorization) {
  const keys = [];
  if (typeof body?.writeKey === 'string') keys.push(body.writeKey);
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (basic) {
    const user = Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
    if (user) keys.push(user);
  }
  if (Array.isArray(body?.batch)) {
    for (const message of body.batch) if (typeof message?.writeKey === 'string') keys.push(message.writeKey);
  }
  return [...new Set(keys)];
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {Record<string, string>}
 */
function corsHeaders(req) {
  /** @type {Record<string, string>} */
  const headers = {
    'Access-Control-Allow-Origin': req.headers.origin ?? '*',
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'Content-Type, Authorization',
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    Vary: 'Origin, Access-Control-Request-Headers',
  };
  // Chrome's Private Network Access preflight, for pages on public origins.
  if (req.headers['access-control-request-private-network'] === 'true') {
    headers['Access-Control-Allow-Private-Network'] = 'true';
  }
  return headers;
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} text
 * @param {string} contentType
 * @param {Record<string, string>} [extra]
 * @returns {{ status: number }}
 */
function send(req, res, status, text, contentType, extra = {}) {
  res.writeHead(status, {
    ...corsHeaders(req),
    'Content-Type': contentType,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(status === 204 ? undefined : text);
  return { status };
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} value
 */
function json(req, res, status, value) {
  return send(req, res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

/**
 * Answers `{ success: false, message }` and reports the reason.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} message
 * @returns {{ status: number, error: string }}
 */
function reject(req, res, status, message) {
  json(req, res, status, { success: false, message });
  return { status, error: message };
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} allow
 */
function notAllowed(req, res, allow) {
  res.setHeader('Allow', `${allow}, OPTIONS`);
  return reject(req, res, 405, `method ${req.method} not allowed; use ${allow}`);
}

/**
 * Appends `item`, dropping the oldest entries beyond MAX_RECORDS.
 * @template T
 * @param {T[]} list
 * @param {T} item
 */
function pushBounded(list, item) {
  list.push(item);
  if (list.length > MAX_RECORDS) list.splice(0, list.length - MAX_RECORDS);
}

/**
 * @template T
 * @param {T} value
 * @returns {T}
 */
function deepFreeze(value) {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The error text of a timed-out waitFor: what arrived, and what was rejected.
 * @param {number} timeoutMs
 * @param {MessageRecord[]} records
 * @param {RequestRecord[]} requestLog
 * @returns {string}
 */
function timeoutReport(timeoutMs, records, requestLog) {
  const shown = records.slice(-20);
  const lines = [
    `waitFor timed out after ${timeoutMs} ms; ${records.length} message(s) arrived` +
      (records.length ? (shown.length < records.length ? ` (last ${shown.length} shown):` : ':') : '.'),
    ...shown.map(({ receivedAt, path, message: m }) => {
      const who = m.userId ? `userId=${m.userId}` : `anonymousId=${m.anonymousId}`;
      return `  ${receivedAt} ${path} ${m.type} ${JSON.stringify(summarize(m))} ${who} messageId=${m.messageId}`;
    }),
  ];
  const rejected = requestLog.filter((r) => r.status >= 400 && isTrackingPath(r.path)).slice(-10);
  if (rejected.length) {
    lines.push('Rejected tracking requests (latest):');
    for (const r of rejected) lines.push(`  ${r.receivedAt} ${r.method} ${r.path} -> ${r.status}: ${r.error ?? ''}`);
  }
  return lines.join('\n');
}
