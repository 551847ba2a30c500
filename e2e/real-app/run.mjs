#!/usr/bin/env node
// @ts-check
// Real-app end-to-end test: an app made by a pinned @backstage/create-app
// (legacy frontend system), this package installed from its `npm pack`
// tarball and registered as the README says, built for production, served by
// its own backend, clicked through in headless Chromium; assertions on what
// the embedded collector received. The backend plugin of backend/ is packed,
// added to the app's backend as backend/README.md says, and the backend is
// started once more with delivery: backend for a short walk whose every call
// must reach the collector through it. Then the backend is started again once per
// invalid value under app.analytics.segment: it must still serve the app, and
// the module must report the key once and send nothing. See README "Tests".
//
//   node e2e/real-app/run.mjs     (npm run test:real-app)
//
// REAL_APP_CACHE   where the generated app is kept between runs (default .real-app/, gitignored)
// REAL_APP_TIMEOUT_MIN  the whole run's time limit in minutes (default 50)
// REAL_APP_REUSE_BUILD=1  skip pack, install and build (only while working on the walk itself)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../../dev/collector/collector.mjs';
import { browserMissing } from '../support/browser.mjs';
import { checkWalk } from './checks.mjs';
import { start, run } from './exec.mjs';
import { checkBackendMode, relayConfig, runBackendMode } from './backendMode.mjs';
import { CREATE_APP_VERSION, dropSignalsBackend, ensureApp, installBackendTarball, installTarball, prepareToolchain } from './prepareApp.mjs';
import { checkInvalidConfigs, INVALID_CASES, runInvalidConfigs } from './invalidConfig.mjs';
import { freePort, waitForBackend, waitForSearchIndex } from './serve.mjs';
import { walkApp } from './walk.mjs';

const MINUTE = 60_000;
const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cache = resolve(process.env.REAL_APP_CACHE ?? join(repoDir, '.real-app'));
const limitMs = Number(process.env.REAL_APP_TIMEOUT_MIN ?? 50) * MINUTE;
const SEARCH_TERM = 'example';

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
const say = (/** @type {string} */ line) => console.log(`[real-app ${elapsed()}] ${line}`);

/** @type {(() => Promise<void>)[]} */
const cleanups = [];
async function cleanUp() {
  for (const stop of cleanups.reverse()) await stop().catch(() => {});
}

const missing = browserMissing();
if (missing) {
  console.error(missing);
  process.exit(1);
}
const timer = setTimeout(async () => {
  console.error(`[real-app] FAILED: over the time limit of ${limitMs / MINUTE} minutes`);
  await cleanUp();
  process.exit(1);
}, limitMs);

try {
  mkdirSync(cache, { recursive: true });
  const log = join(cache, 'run.log');
  writeFileSync(log, '');
  say(`cache ${cache}; command output in ${log}`);

  const ws = await prepareToolchain(cache, log);
  say('Node 22 and Yarn ready');
  const made = await ensureApp(ws);
  say(made ? `app generated with @backstage/create-app@${CREATE_APP_VERSION} and installed` : 'app from the cache');
  dropSignalsBackend(ws);

  // REAL_APP_REUSE_BUILD=1 (while working on the walk itself): keep the last tarball and build.
  const reuse = process.env.REAL_APP_REUSE_BUILD === '1';
  if (!reuse) {
    const readme = readFileSync(join(repoDir, 'README.md'), 'utf8');
    const { tarball, tarballBytes } = await installTarball(ws, repoDir, readme);
    say(`npm pack -> ${tarball} (${(tarballBytes / 1024).toFixed(1)} KiB), added to packages/app, registered as the README says`);
    const backendReadme = readFileSync(join(repoDir, 'backend', 'README.md'), 'utf8');
    const relay = await installBackendTarball(ws, join(repoDir, 'backend'), backendReadme);
    say(`npm pack in backend/ -> ${relay.tarball} (${(relay.tarballBytes / 1024).toFixed(1)} KiB), added to packages/backend, registered as backend/README.md says`);
  }

  const collector = await startCollector();
  cleanups.push(() => collector.close());
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  // YAML is a superset of JSON; the backend reads app-config.yaml, then this.
  const localConfig = {
    app: {
      baseUrl: appUrl,
      analytics: { segment: { writeKey: 'real-app-e2e', apiHost: `${collector.url}/v1`, cdnURL: collector.url } },
    },
    backend: { baseUrl: appUrl, listen: { host: '127.0.0.1', port }, cors: { origin: appUrl } },
    techdocs: { generator: { runIn: 'local' } },
    // The backend plugin, idle until the app is served with delivery: backend.
    segmentAnalytics: relayConfig(collector.url),
  };
  writeFileSync(join(ws.appDir, 'app-config.local.yaml'), `${JSON.stringify(localConfig, null, 2)}\n`);

  if (!reuse) {
    await run('yarn', ['tsc'], { cwd: ws.appDir, env: ws.env, log, timeoutMs: 15 * MINUTE });
    say('the app type-checks against the package (yarn tsc)');
    await run('yarn', ['workspace', 'app', 'build'], { cwd: ws.appDir, env: ws.env, log, timeoutMs: 20 * MINUTE });
    say('frontend built for production (backstage-cli package build)');
  }

  const backendLog = join(cache, 'backend.log');
  writeFileSync(backendLog, '');
  const backend = start('yarn', ['workspace', 'backend', 'start'], { cwd: ws.appDir, env: ws.env, log: backendLog });
  cleanups.push(() => backend.stop());
  const identity = await waitForBackend(appUrl, backend.exited, backendLog);
  say(`backend serves the built app at ${appUrl}; guest is ${identity.userEntityRef}`);
  const searchResults = await waitForSearchIndex(appUrl, identity.token, SEARCH_TERM);
  say(`search index ready: ${searchResults} results for '${SEARCH_TERM}'`);

  const walk = await walkApp({ appUrl, collectorUrl: collector.url, searchTerm: SEARCH_TERM, screenshotOnFailure: join(cache, 'failure.png') });
  say(`walked ${walk.steps.length} steps: ${walk.steps.map(s => s.label).join(', ')}`);
  await new Promise(r => setTimeout(r, 1000));
  const messages = collector.messages();
  writeFileSync(join(cache, 'messages.json'), JSON.stringify({ messages, steps: walk.steps, locations: walk.locations, errors: walk.errors }, null, 2));

  const checks = checkWalk({ messages, walk, collectorUrl: collector.url, userEntityRef: identity.userEntityRef, searchTerm: SEARCH_TERM, searchResults });

  await backend.stop();
  // The same app, served again by its backend, with delivery: backend.
  try {
    const relayed = await runBackendMode({ ws, localConfig, appUrl, collector, searchTerm: SEARCH_TERM, say });
    checks.push(...checkBackendMode({ ...relayed, appUrl, searchTerm: SEARCH_TERM }));
  } catch (error) {
    checks.push({ name: 'backend mode: the app served with delivery: backend could be walked', ok: false, detail: error instanceof Error ? error.message : String(error) });
  }

  // The same app, served again by its backend, with invalid values under app.analytics.segment.
  say(`invalid config: ${INVALID_CASES.length} backend starts, each with one wrong value`);
  checks.push(...checkInvalidConfigs(await runInvalidConfigs({ ws, localConfig, appUrl, collector, say })));
  for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}\n      ${c.detail}`);
  if (walk.errors.length) console.log(`  (page errors, not checked: ${walk.errors.slice(0, 5).join(' | ')})`);
  const failed = checks.filter(c => !c.ok);
  say(failed.length ? `FAILED: ${failed.length} of ${checks.length} checks` : `passed: ${checks.length} checks`);
  process.exitCode = failed.length ? 1 : 0;
} catch (error) {
  console.error(`[real-app ${elapsed()}] FAILED:`, error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  clearTimeout(timer);
  await cleanUp();
}
