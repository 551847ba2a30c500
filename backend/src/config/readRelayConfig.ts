import type { Config } from '@backstage/config';
import type { RelaySettings } from './RelayConfig';

/** The config block this plugin reads. */
export const CONFIG_ROOT = 'segmentAnalytics';

/** Segment's tracking API per region. */
export const UPSTREAM_BY_REGION = Object.freeze({
  us: 'https://api.segment.io/v1',
  eu: 'https://events.eu1.segmentapis.com/v1',
});

/** Upstream time-out when none is configured, and its bounds, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 5000;
const MIN_TIMEOUT_MS = 100;
const MAX_TIMEOUT_MS = 60_000;

/** Groups per user when `groups` sets no limit, and the most it may set. */
const DEFAULT_GROUP_LIMIT = 10;
const MAX_GROUP_LIMIT = 100;

const KEYS = ['enabled', 'writeKey', 'hmacKey', 'region', 'upstreamUrl', 'maskIP', 'groups', 'timeoutMs'];

function invalid(key: string, accepts: string, got?: string): Error {
  return new Error(`Invalid config ${CONFIG_ROOT}.${key}: expected ${accepts}${got ? `; ${got}` : ''}`);
}

/** What a value is, without quoting it: secrets must not reach a log line. */
function kindOf(value: unknown): string {
  if (value === null) return 'got null';
  if (Array.isArray(value)) return 'got a list';
  if (typeof value === 'string') return value.trim() === '' ? 'got an empty string' : 'got a string';
  return `got ${typeof value === 'object' ? 'an object' : `a ${typeof value}`}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TRUE_TEXT = /^(?:y|yes|true|1|on)$/i;
const FALSE_TEXT = /^(?:n|no|false|0|off)$/i;

/**
 * `true`/`false`, also spelled as Backstage's own reader (and the frontend
 * module) accept them from environment variables: yes/no, on/off, 1/0, y/n,
 * in any case, with blanks around.
 */
function readBoolean(key: string, raw: unknown, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  if (typeof raw === 'boolean') return raw;
  const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : undefined;
  if (text !== undefined && TRUE_TEXT.test(text)) return true;
  if (text !== undefined && FALSE_TEXT.test(text)) return false;
  throw invalid(key, 'true or false (or yes/no, on/off, 1/0)', kindOf(raw));
}

/** A whole number written in decimal (as the frontend module reads them: not 1e3, 0x10 or 0b1). */
const DECIMAL_TEXT = /^\s*[-+]?\d+(\.\d+)?\s*$/;

function readSecret(key: string, raw: unknown, hint: string): string {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw invalid(key, `a non-empty string (${hint})`, raw === undefined ? 'it is missing' : kindOf(raw));
  }
  return raw;
}

/** A write key holds no white space: what surrounds it (a secret file's last newline) is no part of it. */
const readWriteKey = (raw: unknown) => readSecret('writeKey', raw, "the Segment source's write key; or set enabled: false").trim();

function readInteger(key: string, raw: unknown, min: number, max: number, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && DECIMAL_TEXT.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(key, `a whole number from ${min} to ${max}`, typeof raw === 'string' ? `got ${JSON.stringify(raw)}` : `got ${String(raw)}`);
  }
  return value;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Segment's own API hosts, whose base is `/v1`. */
const SEGMENT_HOST = /^(?:api\.segment\.io|[a-z0-9.-]+\.segmentapis\.com)$/i;

/**
 * The path of one call of a tracking API (analytics-next's short paths
 * included), copied where its base belongs: the relay posts to the base's
 * `/batch`. Another proxy path is the proxy's to name.
 */
const ONE_CALL_PATH = /\/v1\/(?:batch|track|page|identify|group|alias|screen|import|[btpigas])$/i;

function readUpstream(rawUrl: unknown, rawRegion: unknown): string {
  if (rawRegion !== undefined && rawRegion !== 'us' && rawRegion !== 'eu') {
    throw invalid('region', "'us' or 'eu'", typeof rawRegion === 'string' ? `got ${JSON.stringify(rawRegion)}` : kindOf(rawRegion));
  }
  const region = (rawRegion ?? 'us') as keyof typeof UPSTREAM_BY_REGION;
  if (rawUrl === undefined) return UPSTREAM_BY_REGION[region];
  const accepts = 'an https URL such as https://api.segment.io/v1 (http only to a loopback host), without credentials, query or fragment';
  let url: URL;
  try {
    url = new URL(String(rawUrl));
  } catch {
    throw invalid('upstreamUrl', accepts, typeof rawUrl === 'string' ? 'got a string that is not a URL' : kindOf(rawUrl));
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname));
  if (typeof rawUrl !== 'string' || !secure || url.username || url.password || url.search || url.hash) {
    throw invalid('upstreamUrl', accepts, `got ${url.protocol}//${url.host}${url.pathname}`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (SEGMENT_HOST.test(url.hostname.replace(/\.$/, '')) ? path !== '/v1' : ONE_CALL_PATH.test(path)) {
    throw invalid('upstreamUrl', "the tracking API's base, ending in /v1 (the relay adds /batch)", `got ${url.origin}${url.pathname}`);
  }
  return `${url.origin}${path}`;
}

function readGroups(raw: unknown): false | { limit: number } {
  if (raw === undefined) return false;
  if (!isObject(raw) && raw !== null && !Array.isArray(raw)) {
    return readBoolean('groups', raw, false) && { limit: DEFAULT_GROUP_LIMIT };
  }
  if (!isObject(raw)) throw invalid('groups', 'true, false, or { enabled?: boolean, limit?: number }', kindOf(raw));
  const unknown = Object.keys(raw).find(key => key !== 'enabled' && key !== 'limit');
  if (unknown !== undefined) throw new Error(`Invalid config ${CONFIG_ROOT}.groups.${unknown}: unknown key (expected enabled or limit)`);
  const enabled = readBoolean('groups.enabled', raw.enabled, true);
  const limit = readInteger('groups.limit', raw.limit, 1, MAX_GROUP_LIMIT, DEFAULT_GROUP_LIMIT);
  return enabled && { limit };
}

/**
 * Reads and validates the `segmentAnalytics` block once, at start-up.
 *
 * @remarks
 * Pure. Throws an error naming the key and what it accepts; an error never
 * quotes the write key or the HMAC key. Without the block, or with
 * `enabled: true`, `writeKey` and `hmacKey` are required: ids hashed without
 * a key could be reversed by hashing the catalog's user list.
 */
export function readRelayConfig(config: Config): RelaySettings {
  const raw = config.getOptional(CONFIG_ROOT);
  if (raw !== undefined && !isObject(raw)) {
    throw new Error(`Invalid config ${CONFIG_ROOT}: expected an object with writeKey and hmacKey; ${kindOf(raw)}`);
  }
  const block: Record<string, unknown> = raw ?? {};
  const unknown = Object.keys(block).find(key => !KEYS.includes(key));
  if (unknown !== undefined) throw new Error(`Invalid config ${CONFIG_ROOT}.${unknown}: unknown key (expected one of ${KEYS.join(', ')})`);
  if (!readBoolean('enabled', block.enabled, true)) return { enabled: false };
  return {
    enabled: true,
    writeKey: readWriteKey(block.writeKey),
    hmacKey: readSecret('hmacKey', block.hmacKey, 'a long random secret that keys the user and group ids; the frontend userIdSalt keeps existing ids'),
    upstreamUrl: readUpstream(block.upstreamUrl, block.region),
    maskIP: readBoolean('maskIP', block.maskIP, false),
    groups: readGroups(block.groups),
    timeoutMs: readInteger('timeoutMs', block.timeoutMs, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, DEFAULT_TIMEOUT_MS),
  };
}
