// @ts-check
// The New Frontend System app: made by the same create-app without --legacy,
// this package added from its tarball and found by feature discovery (as the
// README says), ids pseudonymized by config; built for production, served by
// its own backend and walked (walkNfs.mjs); checked on the collector (nfsChecks.mjs).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCollector } from '../../dev/collector/collector.mjs';
import { checkNfsWalk } from './nfsChecks.mjs';
import { CREATE_APP_VERSION, dropSignalsBackend, ensureApp, installTarball, prepareToolchain } from './prepareApp.mjs';
import { freePort, startAppBackend, typeCheckAndBuild, waitForSearchIndex, writeLocalConfig } from './serve.mjs';
import { walkNfsApp } from './walkNfs.mjs';

/**
 * @param {object} options
 * @param {string} options.cache
 * @param {string} options.log the commands' output
 * @param {string} options.repoDir
 * @param {string} options.readme the README's text
 * @param {import('./prepareApp.mjs').Packed} [options.packed] this run's tarball, when the legacy app made it
 * @param {boolean} options.reuse keep the last install and build
 * @param {string} options.searchTerm
 * @param {(line: string) => void} options.say
 * @param {(stop: () => Promise<void>) => void} options.onCleanUp
 * @returns {Promise<import('./checks.mjs').Check[]>}
 */
export async function runNfsApp({ cache, log, repoDir, readme, packed, reuse, searchTerm, say, onCleanUp }) {
  const ws = await prepareToolchain(cache, log, 'nfs');
  const made = await ensureApp(ws);
  say(made ? `New Frontend System app generated with @backstage/create-app@${CREATE_APP_VERSION} and installed` : 'New Frontend System app from the cache');
  dropSignalsBackend(ws);
  if (!reuse) {
    const { tarball } = await installTarball(ws, repoDir, readme, packed);
    say(`${tarball} added to its packages/app; found by feature discovery (App.tsx untouched), as the README says`);
  }

  const collector = await startCollector();
  onCleanUp(() => collector.close());
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  writeLocalConfig(ws, { appUrl, collectorUrl: collector.url, segment: { writeKey: 'real-app-e2e-nfs', userIdTransform: 'sha-256' } });
  if (!reuse) {
    await typeCheckAndBuild(ws);
    say('New Frontend System app type-checks and is built for production');
  }

  const { backend, identity } = await startAppBackend(ws, { appUrl, backendLog: join(cache, 'backend-nfs.log'), onCleanUp });
  const searchResults = await waitForSearchIndex(appUrl, identity.token, searchTerm);
  say(`its backend serves it at ${appUrl}; guest is ${identity.userEntityRef}; ${searchResults} search results for '${searchTerm}'`);

  const walk = await walkNfsApp({
    appUrl, collectorUrl: collector.url, searchTerm, screenshotOnFailure: join(cache, 'failure-nfs.png'),
    received: () => collector.messages().length,
  });
  say(`walked ${walk.steps.length} steps: ${walk.steps.map(s => s.label).join(', ')}`);
  const all = collector.messages();
  writeFileSync(join(cache, 'messages-nfs.json'), JSON.stringify({ messages: all, steps: walk.steps, locations: walk.locations, consent: walk.consent, errors: walk.errors }, null, 2));
  await backend.stop();
  return checkNfsWalk({
    messages: all.slice(0, walk.consent.receivedBeforeOff), walk, collectorUrl: collector.url,
    userEntityRef: identity.userEntityRef, searchTerm, searchResults,
  });
}
