// @ts-check
// The legacy frontend system's app: made by create-app --legacy, this package
// registered in apis.ts with the README's code and the backend plugin added as
// backend/README.md says; built for production, served by its own backend,
// walked (walk.mjs) and checked on the collector (checks.mjs); then served
// with delivery: backend (backendMode.mjs) and with invalid values (invalidConfig.mjs).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCollector } from '../../dev/collector/collector.mjs';
import { checkBackendMode, relayConfig, runBackendMode } from './backendMode.mjs';
import { checkWalk } from './checks.mjs';
import { checkInvalidConfigs, INVALID_CASES, runInvalidConfigs } from './invalidConfig.mjs';
import { CREATE_APP_VERSION, dropSignalsBackend, ensureApp, installBackendTarball, installTarball, prepareToolchain } from './prepareApp.mjs';
import { freePort, startAppBackend, typeCheckAndBuild, waitForSearchIndex, writeLocalConfig } from './serve.mjs';
import { walkApp } from './walk.mjs';


/**
 * @param {object} options
 * @param {string} options.cache
 * @param {string} options.log the commands' output
 * @param {string} options.repoDir
 * @param {string} options.readme the README's text
 * @param {boolean} options.reuse keep the last tarball, install and build
 * @param {string} options.searchTerm
 * @param {(line: string) => void} options.say
 * @param {(stop: () => Promise<void>) => void} options.onCleanUp
 * @returns {Promise<{ checks: import('./checks.mjs').Check[], packed?: import('./prepareApp.mjs').Packed, errors: string[] }>}
 */
export async function runLegacyApp({ cache, log, repoDir, readme, reuse, searchTerm, say, onCleanUp }) {
  const ws = await prepareToolchain(cache, log);
  say('Node 22 and Yarn ready');
  const made = await ensureApp(ws);
  say(made ? `app generated with @backstage/create-app@${CREATE_APP_VERSION} and installed` : 'app from the cache');
  dropSignalsBackend(ws);

  /** @type {import('./prepareApp.mjs').Packed | undefined} */
  let packed;
  if (!reuse) {
    packed = await installTarball(ws, repoDir, readme);
    const { tarball, tarballBytes } = packed;
    say(`npm pack -> ${tarball} (${(tarballBytes / 1024).toFixed(1)} KiB), added to packages/app, registered as the README says`);
    const backendReadme = readFileSync(join(repoDir, 'backend', 'README.md'), 'utf8');
    const relay = await installBackendTarball(ws, join(repoDir, 'backend'), backendReadme);
    say(`npm pack in backend/ -> ${relay.tarball} (${(relay.tarballBytes / 1024).toFixed(1)} KiB), added to packages/backend, registered as backend/README.md says`);
  }

  const collector = await startCollector();
  onCleanUp(() => collector.close());
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const localConfig = writeLocalConfig(ws, {
    appUrl, collectorUrl: collector.url, segment: { writeKey: 'real-app-e2e' },
    // The backend plugin, idle until the app is served with delivery: backend.
    extra: { segmentAnalytics: relayConfig(collector.url) },
  });

  if (!reuse) {
    await typeCheckAndBuild(ws);
    say('the app type-checks against the package (yarn tsc); frontend built for production (backstage-cli package build)');
  }

  const { backend, identity } = await startAppBackend(ws, { appUrl, backendLog: join(cache, 'backend.log'), onCleanUp });
  say(`backend serves the built app at ${appUrl}; guest is ${identity.userEntityRef}`);
  const searchResults = await waitForSearchIndex(appUrl, identity.token, searchTerm);
  say(`search index ready: ${searchResults} results for '${searchTerm}'`);

  const walk = await walkApp({ appUrl, collectorUrl: collector.url, searchTerm, screenshotOnFailure: join(cache, 'failure.png') });
  say(`walked ${walk.steps.length} steps: ${walk.steps.map(s => s.label).join(', ')}`);
  await new Promise(r => setTimeout(r, 1000));
  const messages = collector.messages();
  writeFileSync(join(cache, 'messages.json'), JSON.stringify({ messages, steps: walk.steps, locations: walk.locations, errors: walk.errors }, null, 2));

  const checks = checkWalk({ messages, walk, collectorUrl: collector.url, userEntityRef: identity.userEntityRef, searchTerm, searchResults });

  await backend.stop();
  // The same app, served again by its backend, with delivery: backend.
  try {
    const relayed = await runBackendMode({ ws, localConfig, appUrl, collector, searchTerm, say });
    checks.push(...checkBackendMode({ ...relayed, appUrl, searchTerm }));
  } catch (error) {
    checks.push({ name: 'backend mode: the app served with delivery: backend could be walked', ok: false, detail: error instanceof Error ? error.message : String(error) });
  }

  // The same app, served again by its backend, with invalid values under app.analytics.segment.
  say(`invalid config: ${INVALID_CASES.length} backend starts, each with one wrong value`);
  checks.push(...checkInvalidConfigs(await runInvalidConfigs({ ws, localConfig, appUrl, collector, say })));
  return { checks, packed, errors: walk.errors };
}
