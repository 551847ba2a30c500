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
// the module must report the key once and send nothing. Then the same for a
// New Frontend System app of the same create-app (nfsApp.mjs): the module
// found by feature discovery, walked, its settings switch used. See README "Tests".
//
//   node e2e/real-app/run.mjs     (npm run test:real-app)
//
// REAL_APP_CACHE   where the generated app is kept between runs (default .real-app/, gitignored)
// REAL_APP_TIMEOUT_MIN  the whole run's time limit in minutes (default 50)
// REAL_APP_REUSE_BUILD=1  skip pack, install and build (only while working on the walk itself)
// REAL_APP_FLAVOURS     which apps: legacy,nfs (default both)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserMissing } from '../support/browser.mjs';
import { runLegacyApp } from './legacyApp.mjs';
import { runNfsApp } from './nfsApp.mjs';

const MINUTE = 60_000;
const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cache = resolve(process.env.REAL_APP_CACHE ?? join(repoDir, '.real-app'));
const limitMs = Number(process.env.REAL_APP_TIMEOUT_MIN ?? 50) * MINUTE;
const SEARCH_TERM = 'example';
const flavours = (process.env.REAL_APP_FLAVOURS ?? 'legacy,nfs').split(',').map(f => f.trim());

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

  const readme = readFileSync(join(repoDir, 'README.md'), 'utf8');
  // REAL_APP_REUSE_BUILD=1 (while working on the walks themselves): keep the last tarball and builds.
  const reuse = process.env.REAL_APP_REUSE_BUILD === '1';
  const common = { cache, log, repoDir, readme, reuse, searchTerm: SEARCH_TERM, say, onCleanUp: (/** @type {() => Promise<void>} */ stop) => void cleanups.push(stop) };
  /** @type {import('./checks.mjs').Check[]} */
  const checks = [];
  /** @type {string[]} */
  const errors = [];
  /** @type {import('./prepareApp.mjs').Packed | undefined} */
  let packed;
  if (flavours.includes('legacy')) {
    try {
      const legacy = await runLegacyApp(common);
      checks.push(...legacy.checks);
      errors.push(...legacy.errors);
      packed = legacy.packed;
    } catch (error) {
      checks.push({ name: 'the legacy app could be made, served and walked', ok: false, detail: error instanceof Error ? error.message : String(error) });
    }
  }
  if (flavours.includes('nfs')) {
    try {
      const nfs = await runNfsApp({ ...common, packed });
      checks.push(...nfs.map(c => ({ ...c, name: `New Frontend System app: ${c.name}` })));
    } catch (error) {
      checks.push({ name: 'the New Frontend System app could be made, served and walked', ok: false, detail: error instanceof Error ? error.message : String(error) });
    }
  }
  for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}\n      ${c.detail}`);
  if (errors.length) console.log(`  (page errors, not checked: ${errors.slice(0, 5).join(' | ')})`);
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
