// @ts-check
// Who may talk to the collector: pure decisions on request headers, no I/O.
//
// The collector runs on a developer's laptop while they browse the web, so:
// - the Host header must name the collector on a loopback name and its port
//   (a DNS-rebinding page has its own host name there): otherwise 421;
// - a browser request from another origin is answered only when that origin
//   is a loopback origin or one of the dev app's origins passed in at start;
//   CORS headers are sent to those origins only, never reflected for others;
// - a browser's cross-site request without an Origin (an <img>, a <script>)
//   is refused, except a top-level navigation (a link to the HTML view);
// - control endpoints (clear, fault mode) also need the token printed at start.
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** The header carrying the control token. */
export const TOKEN_HEADER = 'x-collector-token';

/**
 * @typedef {'tracking' | 'read' | 'view' | 'control'} EndpointKind
 *   tracking: settings and tracking paths (what the module calls);
 *   read: JSON listings; view: the HTML page; control: clear, fault mode.
 */

/**
 * @typedef {{ ok: true, corsOrigin?: string } | { ok: false, status: number, message: string, corsOrigin?: string }} AccessDecision
 *   corsOrigin: the origin to name in Access-Control-Allow-Origin, if any.
 */

/**
 * Whether `hostname` (as in a URL: IPv6 in brackets) is a loopback name.
 * @param {string} hostname
 * @returns {boolean}
 */
export function isLoopbackHostname(hostname) {
  const name = hostname.toLowerCase();
  if (name === 'localhost' || name === '[::1]') return true;
  return isIP(name) === 4 && name.startsWith('127.');
}

/**
 * Whether `origin` is exactly the serialized origin of an http(s) page on a
 * loopback name (`http://127.0.0.1:3000`, `http://localhost:3000`, `http://[::1]:3000`).
 * @param {string} origin
 * @returns {boolean}
 */
export function isLoopbackOrigin(origin) {
  const url = parseOrigin(origin);
  return url !== undefined && isLoopbackHostname(url.hostname);
}

/**
 * Normalizes an origin given at start (`http://host[:port]`), or throws naming it.
 * @param {string} origin
 * @returns {string}
 */
export function normalizeOrigin(origin) {
  const url = typeof origin === 'string' ? parseUrl(origin.replace(/\/$/, '')) : undefined;
  if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
    throw new TypeError(`allowed origins must look like http://host:port (no path, no wildcard); got ${JSON.stringify(origin)}`);
  }
  return url.origin;
}

/**
 * The Host header values that name this collector: every loopback name, plus
 * the bound address, with the port (and without it on port 80).
 * @param {number} port
 * @param {string} boundHost as it appears in a URL (IPv6 in brackets)
 * @returns {Set<string>}
 */
export function acceptedHosts(port, boundHost) {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', boundHost.toLowerCase()]);
  const hosts = new Set();
  for (const name of names) {
    hosts.add(`${name}:${port}`);
    if (port === 80) hosts.add(name);
  }
  return hosts;
}

/**
 * Decides whether a request may be answered, and which CORS origin to name.
 * @param {object} request
 * @param {EndpointKind} request.kind
 * @param {Record<string, string | string[] | undefined>} request.headers lower-case names, as Node gives them
 * @param {object} policy
 * @param {Set<string>} policy.hosts accepted Host header values (lower case)
 * @param {Set<string>} policy.origins origins allowed besides loopback ones
 * @param {string} policy.token the control token
 * @returns {AccessDecision}
 */
export function decideAccess({ kind, headers }, { hosts, origins, token }) {
  const host = String(headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) {
    return {
      ok: false,
      status: 421,
      message: `this collector answers only to ${[...hosts].join(', ')}; the Host header was ${JSON.stringify(host)} (a DNS-rebinding page?)`,
    };
  }
  const origin = typeof headers.origin === 'string' ? headers.origin : undefined;
  if (origin !== undefined) {
    if (!(origins.has(origin) || isLoopbackOrigin(origin))) {
      return {
        ok: false,
        status: 403,
        message: `origin ${JSON.stringify(origin)} may not use this collector: only loopback origins and the dev app's origins (${[...origins].join(', ') || 'none given'}) may; start it with --allow-origin to add one`,
      };
    }
  } else {
    const site = headers['sec-fetch-site'];
    const mode = headers['sec-fetch-mode'];
    const crossSite = site === 'cross-site' || site === 'same-site';
    const navigation = mode === 'navigate' && (kind === 'view' || kind === 'read');
    if (crossSite && !navigation) {
      return { ok: false, status: 403, message: `a ${site} browser request without an Origin (mode ${mode}) may not use this collector` };
    }
  }
  if (kind === 'control' && !tokenMatches(headers[TOKEN_HEADER], token)) {
    return {
      ok: false,
      status: 401,
      message: `control endpoints need the ${TOKEN_HEADER} header with the token the collector printed at start`,
      corsOrigin: origin,
    };
  }
  return { ok: true, corsOrigin: origin };
}

/**
 * @param {string | string[] | undefined} given
 * @param {string} token
 * @returns {boolean}
 */
function tokenMatches(given, token) {
  if (typeof given !== 'string' || token.length === 0) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The URL of an exact serialized origin, or undefined.
 * @param {string} origin
 * @returns {URL | undefined}
 */
function parseOrigin(origin) {
  const url = parseUrl(origin);
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== origin) return undefined;
  return url;
}

/** @param {string} text @returns {URL | undefined} */
function parseUrl(text) {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
