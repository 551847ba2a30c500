// @ts-check
// Serving the generated app: a free port for its backend, and waiting until
// that backend serves the app, signs a guest in and has indexed the catalog.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, start, tail } from './exec.mjs';

const MINUTE = 60_000;

export { freePort } from '../../dev/freePort.mjs';

/**
 * Waits until the backend serves the app and signs a guest in.
 * @param {string} appUrl
 * @param {Promise<number | null>} exited
 * @param {string} backendLog
 * @returns {Promise<{ token: string, userEntityRef: string }>}
 */
export async function waitForBackend(appUrl, exited, backendLog) {
  let gone = false;
  void exited.then(() => { gone = true; });
  const deadline = Date.now() + 5 * MINUTE;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`the backend exited\n${tail(backendLog)}`);
    try {
      const html = await fetch(appUrl).then(r => (r.ok ? r.text() : ''));
      if (html.includes('<script')) {
        const auth = await fetch(`${appUrl}/api/auth/guest/refresh?env=development`, { headers: { 'x-requested-with': 'XMLHttpRequest' } });
        const body = await auth.json();
        return { token: body.backstageIdentity.token, userEntityRef: body.backstageIdentity.identity.userEntityRef };
      }
    } catch {
      // not up yet
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`the backend did not serve the app within 5 minutes\n${tail(backendLog)}`);
}

/**
 * Waits until the search backend has indexed the catalog.
 * @param {string} appUrl
 * @param {string} token
 * @param {string} searchTerm
 */
export async function waitForSearchIndex(appUrl, token, searchTerm) {
  const deadline = Date.now() + 5 * MINUTE;
  while (Date.now() < deadline) {
    const res = await fetch(`${appUrl}/api/search/query?term=${encodeURIComponent(searchTerm)}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.ok) {
      const body = await res.json();
      const count = body.numberOfResults ?? body.results?.length ?? 0;
      if (count > 0) return count;
    }
    await new Promise(r => setTimeout(r, 2000));
  }
  throw new Error('search found nothing within 5 minutes');
}


/**
 * The app's `yarn tsc`, then its frontend built for production (`backstage-cli package build`).
 * @param {import('./prepareApp.mjs').Workspace} ws
 */
export async function typeCheckAndBuild({ appDir, env, log }) {
  await run('yarn', ['tsc'], { cwd: appDir, env, log, timeoutMs: 15 * MINUTE });
  await run('yarn', ['workspace', 'app', 'build'], { cwd: appDir, env, log, timeoutMs: 20 * MINUTE });
}

/**
 * Starts the app's backend (its output in `backendLog`), stopped by the run's clean-up, and waits
 * until it serves the app and signs a guest in.
 * @param {import('./prepareApp.mjs').Workspace} ws
 * @param {{ appUrl: string, backendLog: string, onCleanUp: (stop: () => Promise<void>) => void }} options
 */
export async function startAppBackend({ appDir, env }, { appUrl, backendLog, onCleanUp }) {
  writeFileSync(backendLog, '');
  const backend = start('yarn', ['workspace', 'backend', 'start'], { cwd: appDir, env, log: backendLog });
  onCleanUp(() => backend.stop());
  const identity = await waitForBackend(appUrl, backend.exited, backendLog);
  return { backend, identity };
}

/**
 * The app's app-config.local.yaml (read after app-config.yaml; YAML is a superset of JSON): the app and
 * its backend on `appUrl`, this module's `segment` block pointed at the collector, and `extra` blocks.
 * @param {import('./prepareApp.mjs').Workspace} ws
 * @param {{ appUrl: string, collectorUrl: string, segment: object, extra?: object }} options
 */
export function writeLocalConfig({ appDir }, { appUrl, collectorUrl, segment, extra = {} }) {
  const { port } = new URL(appUrl);
  const localConfig = {
    app: { baseUrl: appUrl, analytics: { segment: { apiHost: `${collectorUrl}/v1`, cdnURL: collectorUrl, ...segment } } },
    backend: { baseUrl: appUrl, listen: { host: '127.0.0.1', port: Number(port) }, cors: { origin: appUrl } },
    techdocs: { generator: { runIn: 'local' } },
    ...extra,
  };
  writeFileSync(join(appDir, 'app-config.local.yaml'), `${JSON.stringify(localConfig, null, 2)}\n`);
  return localConfig;
}
