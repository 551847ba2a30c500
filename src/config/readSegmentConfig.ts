import { Config } from '@backstage/config';
import { block, describe, invalid, isDecimalText, ROOT } from './configErrors';
import { readPrivacyConfig } from './readPrivacyConfig';
import { DEFAULT_CONSENT, SegmentConfig } from './SegmentConfig';
import { readTeamConfig } from './readTeamConfig';
import { checkWriteKey, parseApiHost, parseCdnURL } from './parseEndpoints';
import { readDelivery, RELAY_WRITE_KEY } from './readDelivery';
import { callSettingsOf } from './callSettings';

/**
 * The keys read directly under `app.analytics.segment` (every one declared in
 * config.d.ts), and those of its `agent` and `batching` blocks. The other
 * blocks (`redact`, `events` and its rules, `groups`) check their own keys
 * where they are read; `extraProperties` and `eventNames` take any name.
 */
export const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': [
    'enabled', 'writeKey', 'debug', 'testMode', 'userIdTransform', 'userIdSalt', 'identityTimeoutMs', 'region',
    'apiHost', 'cdnURL', 'cdnSettings', 'batching', 'maskIP', 'redact', 'events', 'allowedAttributes',
    'allowedContexts', 'respectGlobalPrivacyControl', 'groups', 'extraProperties', 'eventNames', 'agent',
    'delivery',
    'consent',
  ],
  consent: ['default', 'waitMs'],
  // `initialPageview`: the library's own spelling, which the public plugin passed on to it (its `initialPageView` had no effect).
  agent: ['disableClientPersistence', 'disableCookies', 'disableAutoISOConversion', 'initialPageView', 'initialPageview'],
  batching: ['size', 'timeoutMs'],
};

const DEFAULT_API_HOST = { us: 'api.segment.io/v1', eu: 'events.eu1.segmentapis.com/v1' };

/** Default batch size when only `batching.timeoutMs` is given. */
const DEFAULT_BATCH_SIZE = 10;
/** Default batch timeout when only `batching.size` is given. */
const DEFAULT_BATCH_TIMEOUT_MS = 5000;

/** Reads one key with a Backstage getter, rethrowing with what the key accepts. */
function read<T>(key: string, accepts: string, get: () => T): T {
  try {
    return get();
  } catch (e) {
    throw invalid(key, accepts, e instanceof Error ? e.message : undefined);
  }
}

function oneOf<T extends string>(c: Config | undefined, key: string, values: readonly T[], fallback: T): T {
  const accepts = values.map(v => `'${v}'`).join(' or ');
  const value = read(key, accepts, () => c?.getOptionalString(key));
  if (value === undefined) return fallback;
  if (!(values as readonly string[]).includes(value)) {
    throw invalid(key, accepts, `got '${value}'`);
  }
  return value as T;
}

function bool(c: Config | undefined, key: string, fallback = false): boolean {
  return read(key, 'a boolean (true or false)', () => c?.getOptionalBoolean(key)) ?? fallback;
}

function str(c: Config | undefined, key: string): string | undefined {
  // '' (an empty environment variable) is no value, as blanks are; Backstage's reader refuses it.
  if (c?.getOptional(key) === '') return undefined;
  const value = read(key, 'a string', () => c?.getOptionalString(key));
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The keys given (present in the config) with no value read from them (empty or blank); undefined when none. */
function emptyKeys<K extends string>(c: Config | undefined, values: Record<K, string | undefined>): K[] | undefined {
  const empty = (Object.keys(values) as K[]).filter(key => c?.has(key) && values[key] === undefined);
  return empty.length ? empty : undefined;
}

function wholeNumber(c: Config | undefined, key: string, min: number, max: number): number | undefined {
  const accepts = `a whole number from ${min} to ${max}`;
  // Backstage's reader takes '' (an empty environment variable) as 0, and '0x10' or '3e3' as numbers.
  const text = c?.getOptional(key);
  if (typeof text === 'string' && !isDecimalText(text)) throw invalid(key, accepts, describe(text));
  const value = read(key, accepts, () => c?.getOptionalNumber(key));
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(key, accepts, `got ${value}`);
  }
  return value;
}

/**
 * The path of `app.baseUrl` (as Backstage's router takes it: its base path),
 * when the app is not served at the root. Backstage validates that key.
 */
function appBasePath(config: Config): { basePath?: string } {
  try {
    const basePath = new URL(config.getOptionalString('app.baseUrl') ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    return basePath ? { basePath } : {};
  } catch {
    return {};
  }
}

/**
 * Reads and validates `app.analytics.segment.*` once.
 *
 * @remarks
 * Pure: it only reads `config`. A value of the wrong type or outside its set
 * throws an error naming the key and what it accepts; so does a missing
 * `writeKey` while enabled and not in test mode; then so does a key the
 * module does not read.
 */
export function readSegmentConfig(config: Config): SegmentConfig {
  const c = read('', 'an object', () => config.getOptionalConfig(ROOT));
  if (!bool(c, 'enabled', true)) return { enabled: false };

  const testMode = bool(c, 'testMode');
  const writeKey = str(c, 'writeKey');
  // `delivery: backend`: the backend forwards with its own write key; the browser needs none.
  const relay = readDelivery(config, c);
  if (!writeKey && !testMode && !relay) {
    throw new Error(
      `Missing config ${ROOT}.writeKey: the Segment source's write key is required while analytics is enabled; ` +
        `set ${ROOT}.enabled: false, ${ROOT}.testMode: true or ${ROOT}.delivery: backend to run without one`,
    );
  }

  const region = oneOf(c, 'region', ['us', 'eu'] as const, 'us');
  const apiHostRaw = str(c, 'apiHost');
  const cdnURLRaw = str(c, 'cdnURL');

  // Nested keys are read by their dotted path from the segment block, so that
  // errors name them in full (`batching.size`, `agent.initialPageView`).
  read('batching', 'an object with size and/or timeoutMs', () => c?.getOptionalConfig('batching'));
  const batchSize = wholeNumber(c, 'batching.size', 1, 500);
  const batchTimeout = wholeNumber(c, 'batching.timeoutMs', 1, 600_000);

  read('agent', 'an object', () => c?.getOptionalConfig('agent'));
  const consentBlock = read('consent', 'an object with default and/or waitMs', () => c?.getOptionalConfig('consent'));

  const segment: SegmentConfig = {
    enabled: true,
    writeKey: writeKey ? checkWriteKey(writeKey) : '',
    debug: bool(c, 'debug'),
    testMode,
    userIdTransform: oneOf(c, 'userIdTransform', ['none', 'sha-256'] as const, 'none'),
    userIdSalt: read('userIdSalt', 'a string', () => c?.getOptionalString('userIdSalt')) || undefined,
    callSettings: callSettingsOf(c),
    identityTimeoutMs: wholeNumber(c, 'identityTimeoutMs', 0, 600_000) ?? 5000,
    ...(apiHostRaw ? parseApiHost(apiHostRaw) : { apiHost: DEFAULT_API_HOST[region], protocol: 'https' as const }),
    cdnURL: cdnURLRaw ? parseCdnURL(cdnURLRaw) : undefined,
    cdnSettings: oneOf(c, 'cdnSettings', ['remote', 'local'] as const, 'remote'),
    emptyEndpoints: emptyKeys(c, { apiHost: apiHostRaw, cdnURL: cdnURLRaw }),
    batching:
      batchSize || batchTimeout
        ? {
            size: batchSize ?? DEFAULT_BATCH_SIZE,
            timeoutMs: batchTimeout ?? DEFAULT_BATCH_TIMEOUT_MS,
          }
        : undefined,
    maskIP: bool(c, 'maskIP'),
    privacy: readPrivacyConfig(c),
    agent: {
      disableClientPersistence: bool(c, 'agent.disableClientPersistence'),
      disableCookies: bool(c, 'agent.disableCookies'),
      disableAutoISOConversion: bool(c, 'agent.disableAutoISOConversion'),
      initialPageView: bool(c, 'agent.initialPageView') || bool(c, 'agent.initialPageview'),
      ...appBasePath(config),
    },
    team: readTeamConfig(c),
    // Only when configured: without the block, the defaults of `DEFAULT_CONSENT` apply.
    ...(consentBlock && {
      consent: {
        default: oneOf(c, 'consent.default', ['opt-out', 'opt-in'] as const, 'opt-out'),
        waitMs: wholeNumber(c, 'consent.waitMs', 0, 600_000) ?? DEFAULT_CONSENT.waitMs,
      },
    }),
  };
  // Last, so that a value's own error comes first: a key the module does not read is never silently ignored.
  for (const [key, allowed] of Object.entries(KNOWN_KEYS)) block(c?.getOptional(key || undefined), key, allowed);
  if (!relay) return segment;
  // Everything goes to the relay, with local settings (no request to a Segment host); groups are the backend's.
  const { apiHost, protocol } = relay;
  const team = { ...segment.team, groups: false as const };
  return { ...segment, writeKey: RELAY_WRITE_KEY, apiHost, protocol, cdnURL: undefined, cdnSettings: 'local', emptyEndpoints: undefined, team, relay };
}
