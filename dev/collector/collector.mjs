// @ts-check
// Embedded, loopback-only, Segment-compatible HTTP collector for development
// and tests. Node built-ins only. Usage: cli.mjs, the tests, README "Dev collector".
//
// Safe to leave running while browsing: only loopback origins and the dev
// app's origins may use it (access.mjs), the Host header is checked (DNS
// rebinding), control endpoints need the token printed at start, bodies and
// nesting are bounded by Segment's limits (validate.mjs), what is stored is
// bounded in count and bytes (ringBuffer.mjs), listings are paged and capped
// (paging.mjs, view.mjs), and slow requests time out.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { acceptedHosts, decideAccess, normalizeOrigin } from './access.mjs';
import { parsePageRequest, selectPage } from './paging.mjs';
import { json, notAllowed, readBody, reject, send } from './respond.mjs';
import { RingBuffer } from './ringBuffer.mjs';
import {
  MAX_BATCH_BYTES,
  MAX_DEPTH,
  MAX_MESSAGE_BYTES,
  depthLimitFor,
  isTrackingPath,
  jsonDepth,
  validateRequest,
} from './validate.mjs';
import { VIEW_DEFAULT_LIMIT, VIEW_MAX_LIMIT, renderView, truncate } from './view.mjs';
import { SETTINGS_PATH, bodyLimitFor, kindOf, limitText, loopbackHost, parseJson, parseRequestUrl, safeDecode, writeKeysOf } from './requestParts.mjs';
import { settingsFor } from './settings.mjs';
import { timeoutReport } from './timeoutReport.mjs';

export { settingsFor };

/** At most this many message records (and request log entries) are kept; oldest are dropped. */
export const MAX_RECORDS = 10_000;

/** At most this many bytes of messages (their JSON encoding) are kept; oldest are dropped. */
export const MAX_STORED_BYTES = 16 * 1024 * 1024;

/** One page of /events.json or /requests.json holds at most this many bytes of messages (at least one). */
export const MAX_PAGE_BYTES = 2 * 1024 * 1024;

/** Default and largest page sizes of the JSON listings. */
export const JSON_DEFAULT_LIMIT = 100;
export const JSON_MAX_LIMIT = 1000;

/** Default time allowed to receive a request's headers, and the whole request, in ms. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Longest fault window a failFor call may open, in ms. */
export const MAX_FAIL_MS = 60 * 60 * 1000;

/**
 * @typedef {object} MessageRecord
 * @property {number} seq sequence number: grows with every message, the paging cursor
 * @property {string} receivedAt ISO time the request arrived
 * @property {string} path the tracking path it arrived on, e.g. `/v1/b`
 * @property {Record<string, any>} message the message exactly as sent (frozen)
 */

/**
 * @typedef {object} RequestRecord
 * @property {string} method
 * @property {string} path URL pathname, without query string (cut to 200 characters)
 * @property {number} status the status answered (0 if the request broke before an answer)
 * @property {number} bodyBytes size of the request body in bytes (as declared, when refused unread)
 * @property {string} receivedAt ISO time the request arrived
 * @property {string} [origin] the Origin header, if any (cut to 200 characters)
 * @property {string} [error] why it was rejected, for 4xx/5xx answers
 */

/**
 * @typedef {object} CollectorLimits
 * @property {number} maxRecords messages kept at most
 * @property {number} maxStoredBytes bytes of messages kept at most
 * @property {number} maxMessageBytes one message (Segment: 32 KB)
 * @property {number} maxBatchBytes one batch body (Segment: 500 KB)
 * @property {number} maxDepth JSON nesting of one message
 * @property {number} headersTimeoutMs time allowed for a request's headers
 * @property {number} requestTimeoutMs time allowed for a whole request
 */

/**
 * @typedef {object} Collector
 * @property {string} url base URL, e.g. `http://127.0.0.1:PORT`
 * @property {number} port the bound port
 * @property {string} apiHost `127.0.0.1:PORT/v1`, without scheme (Segment's `apiHost` setting)
 * @property {string} controlToken the token control endpoints need in the `x-collector-token` header
 * @property {CollectorLimits} limits the bounds in force
 * @property {(origin: string) => void} allowOrigin let one more origin (a dev app's) use the collector
 * @property {() => string[]} allowedOrigins the origins allowed besides loopback ones
 * @property {() => Record<string, any>[]} messages accepted messages kept, oldest first, exactly as sent
 * @property {() => MessageRecord[]} records accepted messages with request metadata, oldest first
 * @property {() => RequestRecord[]} requests every HTTP request seen (the latest MAX_RECORDS), oldest first
 * @property {() => string[]} distinctMessageIds distinct messageIds, in order of first arrival
 * @property {(ms: number, status?: number) => void} failFor answer tracking requests with `status` (400-599) for `ms` ms (at most an hour) from now
 * @property {() => void} clear forget recorded messages and requests (a failFor window stays)
 * @property {(predicate: (messages: Record<string, any>[]) => unknown, timeoutMs?: number) => Promise<Record<string, any>[]>} waitFor
 *   resolves with messages() once predicate(messages()) is truthy; rejects on timeout listing what arrived
 * @property {() => Promise<void>} close stop the server and reject pending waitFor calls
 */

/**
 * Starts a Segment-compatible collector bound to a loopback address.
 * Rejects if `host` is not a loopback address, an origin is malformed, or the port cannot be bound.
 * @param {object} [options]
 * @param {number} [options.port=0] port to listen on; 0 picks a free one
 * @param {string} [options.host='127.0.0.1'] loopback address to bind (127.x.x.x, ::1 or localhost)
 * @param {string[]} [options.writeKeys] allow-list of write keys; if absent any key is accepted
 * @param {string[]} [options.allowedOrigins] the dev app's origins (`http://host:port`), allowed besides loopback origins
 * @param {string} [options.controlToken] the control token (default: a random one)
 * @param {number} [options.maxRecords=MAX_RECORDS] messages kept at most
 * @param {number} [options.maxStoredBytes=MAX_STORED_BYTES] bytes of messages kept at most
 * @param {number} [options.headersTimeoutMs=REQUEST_TIMEOUT_MS] time allowed for a request's headers
 * @param {number} [options.requestTimeoutMs=REQUEST_TIMEOUT_MS] time allowed for a whole request, body included
 * @param {(line: string) => void} [options.log] called with one line per HTTP request
 * @returns {Promise<Collector>}
 */
export async function startCollector({
  port = 0,
  host = '127.0.0.1',
  writeKeys,
  allowedOrigins = [],
  controlToken = randomBytes(18).toString('base64url'),
  maxRecords = MAX_RECORDS,
  maxStoredBytes = MAX_STORED_BYTES,
  headersTimeoutMs = REQUEST_TIMEOUT_MS,
  requestTimeoutMs = REQUEST_TIMEOUT_MS,
  log,
} = {}) {
  const bindHost = loopbackHost(host);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`port must be an integer between 0 and 65535; got ${port}`);
  }
  if (writeKeys !== undefined && !(Array.isArray(writeKeys) && writeKeys.every((k) => typeof k === 'string'))) {
    throw new TypeError('writeKeys must be an array of strings');
  }
  if (typeof controlToken !== 'string' || controlToken.length < 16) {
    throw new TypeError('controlToken must be a string of at least 16 characters');
  }
  for (const [name, value] of Object.entries({ headersTimeoutMs, requestTimeoutMs })) {
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer; got ${value}`);
  }
  const origins = new Set(allowedOrigins.map(normalizeOrigin));
  const allowed = writeKeys && new Set(writeKeys);

  /** @type {RingBuffer<MessageRecord>} */
  const records = new RingBuffer({ maxItems: maxRecords, maxBytes: maxStoredBytes });
  /** @type {RingBuffer<RequestRecord>} */
  const requestLog = new RingBuffer({ maxItems: MAX_RECORDS });
  let failingUntil = 0;
  let failStatus = 503;
  /** @type {Set<{ check: () => void, abort: (error: Error) => void }>} */
  const waiters = new Set();

  const server = createServer(
    {
      headersTimeout: Math.min(headersTimeoutMs, requestTimeoutMs),
      requestTimeout: requestTimeoutMs,
      // How often Node checks the two timeouts above (its default is 30 s).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(Math.min(headersTimeoutMs, requestTimeoutMs) / 4))),
    },
    (req, res) => {
      handle(req, res).catch((error) => {
        // Last resort: nothing a client sends should get here.
        if (!res.headersSent) reject({ req, res, corsOrigin: undefined, close: true }, 500, String(error?.message ?? error));
        else res.destroy();
      });
    },
  );
  await new Promise((resolve, fail) => {
    server.once('error', fail);
    server.listen(port, bindHost, () => {
      server.off('error', fail);
      resolve(undefined);
    });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const apiHost = `${urlHost}:${address.port}/v1`;
  const policy = { hosts: acceptedHosts(address.port, urlHost), origins, token: controlToken };

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    const receivedAt = new Date().toISOString();
    const method = String(req.method ?? 'GET');
    const url = parseRequestUrl(req.url);
    const path = url?.pathname ?? String(req.url);
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    /** @type {RequestRecord} */
    const entry = { method: method.slice(0, 20), path: truncate(path, 200), status: 0, bodyBytes: 0, receivedAt };
    if (origin !== undefined) entry.origin = truncate(origin, 200);
    requestLog.push(entry, 0);
    res.on('finish', () => log?.(`${entry.method} ${entry.path} -> ${entry.status} (${entry.bodyBytes} B)${entry.error ? `: ${entry.error}` : ''}`));
    /** @param {{ status: number, error?: string }} result */
    const note = (result) => {
      entry.status = result.status;
      if (result.error) entry.error = truncate(result.error, 300);
    };

    const kind = method === 'OPTIONS' ? 'tracking' : kindOf(method, path);
    const access = decideAccess({ kind, headers: req.headers }, policy);
    /** @type {import('./respond.mjs').Reply} */
    const reply = { req, res, corsOrigin: access.corsOrigin };
    if (!access.ok) {
      reply.close = true;
      note(reject(reply, access.status, access.message));
      return;
    }
    if (!url) {
      reply.close = true;
      note(reject(reply, 400, 'the request target is not a valid URL path'));
      return;
    }

    let body;
    try {
      body = await readBody(req, bodyLimitFor(path));
    } catch {
      entry.error = 'the request body did not arrive in time, or the client went away';
      if (!res.headersSent && !res.destroyed) note(reject({ ...reply, close: true }, 408, entry.error));
      return;
    }
    entry.bodyBytes = body.bytes;
    if (!body.complete) {
      reply.close = true;
      note(reject(reply, 400, `request body is ${body.bytes} bytes; ${limitText(path)}`));
      return;
    }
    note(route(reply, method, url, body, receivedAt));
  }

  /**
   * Answers one request that passed the access checks; returns the status sent and, for failures, why.
   * @param {import('./respond.mjs').Reply} reply
   * @param {string} method
   * @param {URL} url
   * @param {import('./respond.mjs').Body} body
   * @param {string} receivedAt
   * @returns {{ status: number, error?: string }}
   */
  function route(reply, method, url, body, receivedAt) {
    const path = url.pathname;
    if (method === 'OPTIONS') return send(reply, 204, '', 'text/plain');

    const settings = SETTINGS_PATH.exec(path);
    if (settings) {
      if (method !== 'GET') return notAllowed(reply, 'GET');
      const writeKey = safeDecode(settings[1]);
      if (allowed && !allowed.has(writeKey)) return reject(reply, 404, `unknown write key ${truncate(writeKey, 100)}`);
      return json(reply, 200, settingsFor(writeKey, apiHost));
    }

    if (path === '/v1/m') {
      return method === 'POST' ? json(reply, 200, { success: true }) : notAllowed(reply, 'POST');
    }
    if (isTrackingPath(path)) {
      return method === 'POST' ? track(reply, path, body, receivedAt) : notAllowed(reply, 'POST');
    }

    if (path === '/' || path === '/events') {
      if (method === 'DELETE' && path === '/events') {
        clear();
        return json(reply, 200, { success: true });
      }
      if (method !== 'GET') return notAllowed(reply, path === '/events' ? 'GET, DELETE' : 'GET');
      return view(reply, url.searchParams);
    }
    if (path === '/events.json') {
      if (method !== 'GET') return notAllowed(reply, 'GET');
      return eventsPage(reply, url.searchParams);
    }
    if (path === '/requests.json') {
      if (method !== 'GET') return notAllowed(reply, 'GET');
      return requestsPage(reply, url.searchParams);
    }
    if (path === '/_control/clear') {
      if (method !== 'POST') return notAllowed(reply, 'POST');
      clear();
      return json(reply, 200, { success: true });
    }
    if (path === '/_control/fail') {
      if (method !== 'POST') return notAllowed(reply, 'POST');
      if (jsonDepth(body.text, 2) > 2) return reject(reply, 400, 'expected JSON { ms, status } with number values');
      const parsed = parseJson(body.text);
      const value = parsed.ok && typeof parsed.value === 'object' && parsed.value !== null ? parsed.value : {};
      try {
        failFor(value.ms, value.status ?? 503);
      } catch (error) {
        return reject(reply, 400, `expected JSON { ms, status }: ${/** @type {Error} */ (error).message}`);
      }
      return json(reply, 200, { success: true, until: new Date(failingUntil).toISOString(), status: failStatus });
    }
    return reject(reply, 404, `not found: ${method.slice(0, 20)} ${truncate(path, 200)}`);
  }

  /**
   * Handles a POST to a tracking path: fail window, depth, parsing, auth, validation, recording.
   * @param {import('./respond.mjs').Reply} reply
   * @param {string} path
   * @param {import('./respond.mjs').Body} body
   * @param {string} receivedAt
   * @returns {{ status: number, error?: string }}
   */
  function track(reply, path, body, receivedAt) {
    if (Date.now() < failingUntil) {
      return reject(reply, failStatus, `collector is failing tracking requests on purpose (failFor, status ${failStatus})`);
    }
    const depthLimit = depthLimitFor(path);
    if (jsonDepth(body.text, depthLimit) > depthLimit) {
      return reject(reply, 400, `JSON nesting is deeper than ${MAX_DEPTH} levels per message; the collector accepts at most ${MAX_DEPTH}`);
    }
    const parsed = parseJson(body.text);
    if (!parsed.ok) return reject(reply, 400, `body must be valid JSON: ${truncate(parsed.error, 200)}`);

    if (allowed) {
      const keys = writeKeysOf(parsed.value, reply.req.headers.authorization);
      if (keys.length === 0) return reject(reply, 401, 'a write key is required (body writeKey or Authorization: Basic)');
      const unknown = keys.find((key) => !allowed.has(key));
      if (unknown !== undefined) return reject(reply, 401, `unknown write key ${truncate(unknown, 100)}`);
    }

    const result = validateRequest(path, parsed.value, { bodyBytes: body.bytes });
    if (!result.ok) return reject(reply, 400, result.message);
    for (const message of result.messages) {
      const bytes = Buffer.byteLength(JSON.stringify(message));
      records.push(Object.freeze({ seq: records.nextSeq, receivedAt, path, message: deepFreeze(message) }), bytes);
    }
    for (const waiter of waiters) waiter.check();
    return json(reply, 200, { success: true });
  }

  /**
   * One page of the HTML view.
   * @param {import('./respond.mjs').Reply} reply
   * @param {URLSearchParams} query
   */
  function view(reply, query) {
    const request = parsePageRequest(query, { defaultLimit: VIEW_DEFAULT_LIMIT, maxLimit: VIEW_MAX_LIMIT });
    if (!request.ok) return reject(reply, 400, request.message);
    const page = selectPage(records, request.page, Infinity);
    /** @type {Map<string, number>} */
    const counts = new Map();
    for (let i = 0; i < records.length; i++) {
      const type = String(/** @type {any} */ (records.at(i)).value.message.type ?? '(none)');
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }
    const nonce = randomBytes(12).toString('base64');
    const html = renderView({
      records: page.slots.map((slot) => slot.value),
      total: records.length,
      offset: request.page.offset,
      limit: request.page.limit,
      counts,
      distinctMessageIds: distinctMessageIds().length,
      failingUntil,
      dropped: records.dropped,
      nonce,
    });
    return send(reply, 200, html, 'text/html; charset=utf-8', {
      'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    });
  }

  /**
   * One page of /events.json: records newest first.
   * @param {import('./respond.mjs').Reply} reply
   * @param {URLSearchParams} query
   */
  function eventsPage(reply, query) {
    const request = parsePageRequest(query, { defaultLimit: JSON_DEFAULT_LIMIT, maxLimit: JSON_MAX_LIMIT });
    if (!request.ok) return reject(reply, 400, request.message);
    const page = selectPage(records, request.page, MAX_PAGE_BYTES);
    const { limit } = request.page;
    return json(reply, 200, {
      total: records.length,
      dropped: records.dropped,
      limit,
      offset: request.page.offset,
      cutAtBytes: page.cut ? MAX_PAGE_BYTES : undefined,
      next: page.nextBefore === undefined ? null : `/events.json?limit=${limit}&before=${page.nextBefore}`,
      messages: page.slots.map((slot) => slot.value),
    });
  }

  /**
   * One page of /requests.json: the latest requests (before the cursor), oldest first.
   * @param {import('./respond.mjs').Reply} reply
   * @param {URLSearchParams} query
   */
  function requestsPage(reply, query) {
    const request = parsePageRequest(query, { defaultLimit: JSON_DEFAULT_LIMIT, maxLimit: JSON_MAX_LIMIT });
    if (!request.ok) return reject(reply, 400, request.message);
    const page = selectPage(requestLog, request.page, MAX_PAGE_BYTES);
    const { limit } = request.page;
    return json(reply, 200, {
      total: requestLog.length,
      limit,
      offset: request.page.offset,
      next: page.nextBefore === undefined ? null : `/requests.json?limit=${limit}&before=${page.nextBefore}`,
      requests: page.slots.map((slot) => slot.value).reverse(),
    });
  }

  /** @returns {Record<string, any>[]} */
  function messages() {
    return records.values().map((record) => record.message);
  }

  /** @returns {string[]} */
  function distinctMessageIds() {
    const ids = new Set();
    for (let i = 0; i < records.length; i++) ids.add(/** @type {any} */ (records.at(i)).value.message.messageId);
    return [...ids];
  }

  /**
   * @param {number} ms
   * @param {number} [status=503]
   */
  function failFor(ms, status = 503) {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_FAIL_MS) {
      throw new TypeError(`ms must be a number from 0 to ${MAX_FAIL_MS}; got ${typeof ms === 'number' ? ms : typeof ms}`);
    }
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new TypeError(`status must be an HTTP error status (400-599); got ${typeof status === 'number' ? status : typeof status}`);
    }
    failingUntil = Date.now() + ms;
    failStatus = status;
  }

  function clear() {
    records.clear();
    requestLog.clear();
  }

  /**
   * @param {(messages: Record<string, any>[]) => unknown} predicate
   * @param {number} [timeoutMs=10000]
   * @returns {Promise<Record<string, any>[]>}
   */
  function waitFor(predicate, timeoutMs = 10_000) {
    return new Promise((resolve, rejectWait) => {
      const waiter = {
        /** @type {NodeJS.Timeout | undefined} */
        timer: undefined,
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
      function done() {
        clearTimeout(waiter.timer);
        waiters.delete(waiter);
      }
      waiters.add(waiter);
      waiter.check();
      if (!waiters.has(waiter)) return;
      waiter.timer = setTimeout(() => waiter.abort(new Error(timeoutReport(timeoutMs, records.values(), requestLog.values()))), timeoutMs);
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
    controlToken,
    limits: Object.freeze({
      maxRecords,
      maxStoredBytes,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      maxBatchBytes: MAX_BATCH_BYTES,
      maxDepth: MAX_DEPTH,
      headersTimeoutMs: Math.min(headersTimeoutMs, requestTimeoutMs),
      requestTimeoutMs,
    }),
    allowOrigin(origin) {
      origins.add(normalizeOrigin(origin));
    },
    allowedOrigins: () => [...origins],
    messages,
    records: () => records.values(),
    requests: () => requestLog.values().map((entry) => ({ ...entry })),
    distinctMessageIds,
    failFor,
    clear,
    waitFor,
    close,
  };
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
