// @ts-check
// `delivery: backend` in the generated app: the backend plugin of backend/ is
// installed in the app's backend (prepareApp.mjs) and forwards to the
// embedded collector. The built app is served once more with
// app.analytics.segment.delivery: backend, a short walk goes through it with
// every request off the app's origin blocked, and the collector must have
// every call, with the HMAC id the server computed.
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkNavigations, checkSearch, checkUserIds } from './checks.mjs';
import { start } from './exec.mjs';
import { waitForBackend, waitForSearchIndex } from './serve.mjs';
import { walkApp } from './walk.mjs';

/** The relay's write key in the app's backend config (a test value; the collector takes any key). */
export const RELAY_WRITE_KEY = 'real-app-e2e-relay-write-key';
/** The relay's hmacKey: a fixed test key (32+ characters, or the plugin warns); the test computes the ids with it. */
export const RELAY_HMAC_KEY = 'real-app-e2e-hmac-key-4c9e2a7f1b6d8053e0a4';

/** Where the relay takes the browser's calls. */
const RELAY_PATH = '/api/segment-analytics/v1/';

/**
 * The app backend's `segmentAnalytics` block: the relay forwards to the collector.
 * @param {string} collectorUrl
 */
export function relayConfig(collectorUrl) {
  return { writeKey: RELAY_WRITE_KEY, hmacKey: RELAY_HMAC_KEY, upstreamUrl: `${collectorUrl}/v1` };
}

/**
 * @typedef {object} BackendModeResult
 * @property {import('./walk.mjs').WalkResult} walk
 * @property {import('../../dev/collector/collector.mjs').MessageRecord[]} records what the collector accepted
 * @property {string} userEntityRef
 * @property {number} searchResults
 */

/**
 * Starts the app backend with `delivery: backend` and walks the app (short walk).
 * @param {object} options
 * @param {import('./prepareApp.mjs').Workspace} options.ws
 * @param {any} options.localConfig the app-config.local.yaml of the main walk (with `segmentAnalytics`)
 * @param {string} options.appUrl
 * @param {{ clear(): void, records(): import('../../dev/collector/collector.mjs').MessageRecord[] }} options.collector
 * @param {string} options.searchTerm
 * @param {(line: string) => void} options.say
 * @returns {Promise<BackendModeResult>}
 */
export async function runBackendMode({ ws, localConfig, appUrl, collector, searchTerm, say }) {
  const config = structuredClone(localConfig);
  config.app.analytics.segment = { delivery: 'backend' };
  writeFileSync(join(ws.appDir, 'app-config.local.yaml'), `${JSON.stringify(config, null, 2)}\n`);
  const log = join(ws.cache, 'backend-relay.log');
  writeFileSync(log, '');
  const backend = start('yarn', ['workspace', 'backend', 'start'], { cwd: ws.appDir, env: ws.env, log });
  try {
    const identity = await waitForBackend(appUrl, backend.exited, log);
    const searchResults = await waitForSearchIndex(appUrl, identity.token, searchTerm);
    say(`backend mode: the app backend serves the app with delivery: backend; search index ready (${searchResults})`);
    collector.clear();
    const walk = await walkApp({ appUrl, searchTerm, screenshotOnFailure: join(ws.cache, 'failure-backend-mode.png'), short: true });
    say(`backend mode: walked ${walk.steps.length} steps: ${walk.steps.map(s => s.label).join(', ')}`);
    await new Promise(r => setTimeout(r, 1000));
    const records = collector.records();
    writeFileSync(join(ws.cache, 'messages-backend-mode.json'), JSON.stringify({ records, steps: walk.steps, requests: walk.requests }, null, 2));
    return { walk, records, userEntityRef: identity.userEntityRef, searchResults };
  } finally {
    await backend.stop();
    writeFileSync(join(ws.appDir, 'app-config.local.yaml'), `${JSON.stringify(localConfig, null, 2)}\n`);
  }
}

/**
 * What must hold after the backend-mode walk.
 * @param {BackendModeResult & { appUrl: string, searchTerm: string }} input
 * @returns {import('./checks.mjs').Check[]}
 */
export function checkBackendMode({ walk, records, userEntityRef, searchResults, appUrl, searchTerm }) {
  const messages = records.map(r => r.message);
  const userId = createHmac('sha256', RELAY_HMAC_KEY).update(userEntityRef, 'utf8').digest('hex');
  /** @type {import('./checks.mjs').Check[]} */
  const checks = [...checkUserIds({ messages, userId, how: 'HMAC-SHA-256', userEntityRef })];
  const check = (/** @type {string} */ name, /** @type {boolean} */ ok, /** @type {string} */ detail) => checks.push({ name, ok, detail });

  // What the browser posted to the relay, by messageId (group and alias calls are not forwarded).
  const relayPosts = walk.requests.filter(r => r.method === 'POST' && r.url.startsWith(`${appUrl}${RELAY_PATH}`));
  const sentIds = new Set(relayPosts.flatMap(r => messagesOf(r.body)).filter(m => m.type !== 'group' && m.type !== 'alias').map(m => m.messageId));
  const arrivedIds = new Set(messages.map(m => m.messageId));
  const lost = [...sentIds].filter(id => !arrivedIds.has(id));
  const unknown = [...arrivedIds].filter(id => !sentIds.has(id));
  const paths = [...new Set(records.map(r => r.path))];
  check('every call reaches the collector through the backend',
    relayPosts.length > 0 && sentIds.size > 0 && lost.length === 0 && unknown.length === 0 && paths.join() === '/v1/batch',
    `the browser posted ${sentIds.size} calls in ${relayPosts.length} requests to ${RELAY_PATH}; the collector has ${arrivedIds.size}, ` +
      `all on ${paths.join(', ') || 'nothing'} (the relay's path); ${lost.length} lost, ${unknown.length} the browser did not send`);

  const plaintext = [userEntityRef, encodeURIComponent(userEntityRef)];
  const leaks = relayPosts.filter(r => plaintext.some(p => r.url.includes(p) || r.body.includes(p)));
  check('the plaintext entity ref is nowhere: not in the calls to the backend, not at the collector',
    leaks.length === 0 && !JSON.stringify(messages).includes(userEntityRef),
    `${relayPosts.length} requests to the relay and ${messages.length} messages searched for '${userEntityRef}': ${leaks.length} requests contain it`);

  const offOrigin = walk.requests.filter(r => !r.url.startsWith(`${appUrl}/`) && !r.url.startsWith('data:')).map(r => r.url);
  check("the browser called nothing but the app's origin", walk.blocked.length === 0 && offOrigin.length === 0,
    walk.blocked.length || offOrigin.length
      ? `blocked: ${[...new Set([...walk.blocked, ...offOrigin])].slice(0, 10).join(' ')}`
      : `${walk.requests.length} requests, all to ${appUrl}`);

  const served = [walk.indexHtml, ...walk.scripts.values()];
  const keyShown = served.some(text => text.includes(RELAY_HMAC_KEY) || text.includes(RELAY_WRITE_KEY));
  check('the relay keys are in nothing served to the browser', served.length > 1 && !keyShown,
    `index.html and ${walk.scripts.size} scripts searched for hmacKey and writeKey: ${keyShown ? 'FOUND' : 'absent'}`);

  checks.push(checkNavigations({ messages, walk }), checkSearch({ messages, walk, searchTerm, searchResults }));
  return checks.map(c => ({ ...c, name: `backend mode: ${c.name}` }));
}

/**
 * The messages of one request body to the relay: a batch's, or the single call.
 * @param {string} body
 * @returns {Record<string, any>[]}
 */
function messagesOf(body) {
  try {
    const parsed = JSON.parse(body);
    return Array.isArray(parsed?.batch) ? parsed.batch : [parsed];
  } catch {
    return [];
  }
}
