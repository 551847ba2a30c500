// @ts-check
// Starts a real Backstage backend (@backstage/backend-defaults) on a loopback
// port with the Segment relay (this package's source), the auth backend and its
// guest provider, so that a real user token and cookie can be had over HTTP.
// Used by dev/integration.test.mjs, and meant for browser end-to-end tests:
// point `upstreamUrl` at the embedded collector (../../dev/collector/collector.mjs).
import { createRequire } from 'node:module';
import { createServer } from 'node:net';

const require = createRequire(import.meta.url);
// Backstage's own TypeScript require hook (as `backstage-cli package start` uses):
// the relay runs from src/, no build needed.
require('@backstage/cli/config/nodeTransform.cjs');
const { createBackend } = require('@backstage/backend-defaults');
const { coreServices, createServiceFactory } = require('@backstage/backend-plugin-api');
const { ConfigReader } = require('@backstage/config');
const { segmentAnalyticsPlugin } = require('../src/index.ts');

/** The guest user the auth backend signs in, unless `guest` says otherwise. */
export const GUEST = Object.freeze({
  userEntityRef: 'user:default/guest',
  ownershipEntityRefs: ['user:default/guest', 'group:default/team-a', 'group:default/team-b'],
});

/**
 * @typedef {object} SegmentBackend
 * @property {string} baseUrl `http://127.0.0.1:PORT`, the backend's base URL (also its `app.baseUrl` unless overridden)
 * @property {number} port
 * @property {string} relayUrl `{baseUrl}/api/segment-analytics`, the plugin's base URL
 * @property {string} apiHost `127.0.0.1:PORT/api/segment-analytics/v1`: analytics-next's `apiHost` (with `protocol: 'http'`)
 * @property {string[]} logs every line the backend logged, oldest first
 * @property {() => Promise<{ token: string, userEntityRef: string }>} signIn signs in with the guest provider; resolves with a Backstage user token
 * @property {(token: string) => Promise<{ cookie: string, expiresAt: string }>} userCookie gets the relay's user cookie
 *   (`GET {relayUrl}/.backstage/auth/v1/cookie` with the token); `cookie` is the `name=value` pair to send back
 * @property {(guest: { userEntityRef: string, ownershipEntityRefs: string[] }) => void} setGuest who the guest provider
 *   signs in from now on (another person signing in in the same browser, say)
 * @property {() => Promise<void>} stop stops the backend. Backstage leaves its database pools' timers running
 *   after stop (knex/tarn), so a test process ends with `node --test --test-force-exit` or `process.exit`
 */

/** @returns {Promise<number>} a free loopback port (there is a small window before the backend binds it) */
async function freePort() {
  const server = createServer();
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise(resolve => server.close(() => resolve(undefined)));
  return address.port;
}

/**
 * Merges plain objects (later wins); arrays and other values are replaced.
 * @param {Record<string, any>} base
 * @param {Record<string, any>} extra
 * @returns {Record<string, any>}
 */
function merge(base, extra) {
  const out = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const plain = value && typeof value === 'object' && !Array.isArray(value);
    out[key] = plain && out[key] && typeof out[key] === 'object' ? merge(out[key], value) : value;
  }
  return out;
}

/**
 * @param {string[]} logs
 * @param {boolean} print
 */
function recordingRootLogger(logs, print) {
  /** @param {Record<string, unknown>} fields @returns {import('@backstage/backend-plugin-api').LoggerService} */
  const make = fields => {
    /** @param {string} level */
    const log = level => (/** @type {string} */ message, /** @type {unknown} */ meta) => {
      let extra = '';
      if (meta instanceof Error) extra = ` ${meta.name}: ${meta.message}`;
      else if (meta !== undefined) extra = ` ${JSON.stringify(meta)}`;
      const line = `${level} [${String(fields.plugin ?? fields.service ?? 'backend')}] ${message}${extra}`;
      logs.push(line);
      if (print) console.log(line);
    };
    return { error: log('error'), warn: log('warn'), info: log('info'), debug: () => {}, child: more => make({ ...fields, ...more }) };
  };
  return createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => make({}) });
}

/**
 * Starts the backend. Everything binds 127.0.0.1; nothing calls out.
 * @param {object} options
 * @param {string} options.upstreamUrl where the relay forwards (`http://127.0.0.1:PORT/v1` for the collector)
 * @param {string} [options.writeKey] `segmentAnalytics.writeKey` (default `e2e-write-key`)
 * @param {string} [options.hmacKey] `segmentAnalytics.hmacKey` (default a fixed test key)
 * @param {Record<string, unknown>} [options.segmentAnalytics] more `segmentAnalytics` keys (groups, maskIP, timeoutMs, ...)
 * @param {{ userEntityRef: string, ownershipEntityRefs: string[] }} [options.guest] who the guest provider signs in (default {@link GUEST})
 * @param {Record<string, any>} [options.config] more config, merged over the defaults (e.g. `app.baseUrl`, `backend.cors`)
 * @param {unknown} [options.plugin] the Segment relay feature (default: this package's source, `segmentAnalyticsPlugin`;
 *   e.g. the default export of the exported dynamic plugin)
 * @param {unknown[]} [options.features] more backend features (e.g. one that serves the app on the same origin)
 * @param {boolean} [options.userSettings] also the user-settings backend (@backstage/plugin-user-settings-backend, a
 *   devDependency): each signed-in user's settings, kept in the backend's database for the app's `UserSettingsStorage`
 * @param {number} [options.port] the port (default: a free one)
 * @param {boolean} [options.printLogs] print log lines as they come (default: env SEGMENT_BACKEND_LOGS=1)
 * @returns {Promise<SegmentBackend>}
 */
export async function startSegmentBackend({
  upstreamUrl,
  writeKey = 'e2e-write-key',
  hmacKey = 'e2e-hmac-key-0123456789abcdef0123456789',
  segmentAnalytics = {},
  guest = GUEST,
  config = {},
  features = [],
  userSettings = false,
  plugin = segmentAnalyticsPlugin,
  port,
  printLogs = process.env.SEGMENT_BACKEND_LOGS === '1',
}) {
  const listenPort = port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${listenPort}`;
  const data = merge(
    {
      app: { baseUrl },
      backend: {
        baseUrl,
        listen: { host: '127.0.0.1', port: listenPort },
        database: { client: 'better-sqlite3', connection: ':memory:' },
      },
      auth: {
        environment: 'development',
        providers: { guest: { dangerouslyAllowOutsideDevelopment: true, ...guest } },
      },
      segmentAnalytics: { writeKey, hmacKey, upstreamUrl, ...segmentAnalytics },
      // In-process events only (the user-settings backend's signals): there is no events backend to publish to.
      ...(userSettings && { events: { useEventBus: 'never' } }),
    },
    config,
  );
  /** @type {string[]} */
  const logs = [];
  const backend = createBackend();
  backend.add(createServiceFactory({ service: coreServices.rootConfig, deps: {}, factory: () => new ConfigReader(data) }));
  backend.add(recordingRootLogger(logs, printLogs));
  backend.add(require('@backstage/plugin-auth-backend'));
  backend.add(require('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(/** @type {any} */ (plugin));
  // Its signals service (live updates to the user's other tabs) comes with its defaults (in-process events).
  if (userSettings) backend.add(require('@backstage/plugin-user-settings-backend'));
  for (const feature of features) backend.add(/** @type {any} */ (feature));
  await backend.start();

  const relayUrl = `${baseUrl}/api/segment-analytics`;
  return {
    baseUrl,
    port: listenPort,
    relayUrl,
    apiHost: `127.0.0.1:${listenPort}/api/segment-analytics/v1`,
    logs,
    async signIn() {
      const res = await fetch(`${baseUrl}/api/auth/guest/refresh?env=development`, { headers: { 'X-Requested-With': 'XMLHttpRequest' } });
      if (!res.ok) throw new Error(`guest sign-in failed: ${res.status} ${await res.text()}`);
      const body = /** @type {any} */ (await res.json());
      return { token: body.backstageIdentity.token, userEntityRef: body.backstageIdentity.identity.userEntityRef };
    },
    async userCookie(token) {
      const res = await fetch(`${relayUrl}/.backstage/auth/v1/cookie`, { headers: { Authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`cookie request failed: ${res.status} ${await res.text()}`);
      const setCookie = res.headers.get('set-cookie') ?? '';
      const pair = setCookie.split(';')[0];
      if (!pair.startsWith('backstage-auth=')) throw new Error('the cookie endpoint set no backstage-auth cookie');
      const { expiresAt } = /** @type {{ expiresAt: string }} */ (await res.json());
      return { cookie: pair, expiresAt };
    },
    setGuest(next) {
      // The guest provider reads its config at each sign-in.
      Object.assign(data.auth.providers.guest, next);
    },
    stop: () => backend.stop(),
  };
}
