// @ts-check
// What a request to the collector is, read from its parts: its kind for the
// access rules, the body it may have, its URL, JSON and write keys. Pure.
import { isIP } from 'node:net';
import { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, SINGLE_PATHS, BATCH_PATHS, isTrackingPath } from './validate.mjs';

/** The largest body of a path that is not a tracking path. */
const MAX_OTHER_BODY = 16 * 1024;

/** The path the library fetches its settings from (Segment's CDN layout). */
export const SETTINGS_PATH = /^\/v1\/projects\/([^/]+)\/settings\/?$/;

/**
 * What a path is, for the access rules (see access.mjs).
 * @param {string} method
 * @param {string} path
 * @returns {import('./access.mjs').EndpointKind}
 */
export function kindOf(method, path) {
  if (path === '/v1/m' || isTrackingPath(path) || SETTINGS_PATH.test(path)) return 'tracking';
  if (path.startsWith('/_control/') || (path === '/events' && method === 'DELETE')) return 'control';
  if (path === '/' || path === '/events') return 'view';
  return 'read';
}

/**
 * The largest body read for `path`: Segment's limits on tracking paths.
 * @param {string} path
 * @returns {number}
 */
export function bodyLimitFor(path) {
  if (BATCH_PATHS.includes(path)) return MAX_BATCH_BYTES;
  if (Object.hasOwn(SINGLE_PATHS, path)) return MAX_MESSAGE_BYTES;
  return MAX_OTHER_BODY;
}

/** @param {string} path @returns {string} */
export function limitText(path) {
  if (BATCH_PATHS.includes(path)) return `a batch body must be at most ${MAX_BATCH_BYTES} bytes (500 KB)`;
  if (Object.hasOwn(SINGLE_PATHS, path)) return `a message must be at most ${MAX_MESSAGE_BYTES} bytes (32 KB)`;
  return `this path takes at most ${MAX_OTHER_BODY} bytes`;
}

/**
 * The request target as a URL, or undefined when it is not an origin-form path.
 * @param {string | undefined} target
 * @returns {URL | undefined}
 */
export function parseRequestUrl(target) {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//')) return undefined;
  try {
    return new URL(target, 'http://collector');
  } catch {
    return undefined;
  }
}

/**
 * Returns the address to bind, or throws if `host` is not a loopback address.
 * @param {string} host
 * @returns {string}
 */
export function loopbackHost(host) {
  if (host === 'localhost') return '127.0.0.1';
  if (isIP(host) === 4 && host.startsWith('127.')) return host;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return '::1';
  throw new Error(`the collector binds to loopback addresses only (127.x.x.x, ::1, localhost); refusing host ${JSON.stringify(host)}`);
}

/** @param {string} text @returns {string} */
export function safeDecode(text) {
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
export function parseJson(text) {
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
export function writeKeysOf(body, authorization) {
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
