#!/usr/bin/env node
// @ts-check
// `npm start`: the dev harness. Starts the embedded collector and the dev app
// (`backstage-cli package start`), with the module sending to the collector.
// A real write key in app-config.local.yaml sends to Segment instead.
//   npm start              the legacy frontend system app (dev/index.tsx)
//   npm start -- --nfs     the New Frontend System app (dev/nfs/index.tsx)
//   npm start -- --backend `delivery: backend`: a real Backstage backend with the
//                          Segment relay (backend/) on localhost:7007, the collector
//                          as its upstream (dev/app-config.backend.yaml); with --nfs too
// Ports: the dev app's is app.baseUrl's (3000; set another in app-config.local.yaml);
// COLLECTOR_PORT (4010) and BACKEND_PORT (7007) in the environment.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { startBanner } from './collector/banner.mjs';
import { startCollector } from './collector/collector.mjs';
import { startDevBackend } from './startBackend.mjs';

const nfs = process.argv.includes('--nfs');
const viaBackend = process.argv.includes('--backend');
const localConfig = 'app-config.local.yaml';
const configs = [viaBackend ? 'dev/app-config.backend.yaml' : 'app-config.yaml', ...(existsSync(localConfig) ? [localConfig] : [])];
const realKey = !viaBackend && existsSync(localConfig) && /^\s*writeKey\s*:/m.test(readFileSync(localConfig, 'utf8'));

/** Starts the collector (unless a real key is set) and the dev app. */
async function main() {
  const env = { ...process.env };
  /** @type {import('./collector/collector.mjs').Collector | undefined} */
  let collector;
  /** @type {{ baseUrl: string, stop: () => Promise<void> } | undefined} */
  let backend;
  if (viaBackend) {
    collector = await collectorOnPort({});
    backend = await startDevBackend({ upstreamUrl: `${collector.url}/v1`, port: Number(process.env.BACKEND_PORT ?? 7007) });
    env.APP_CONFIG_backend_baseUrl = backend.baseUrl;
    console.log(`Backstage backend with the Segment relay: ${backend.baseUrl}/api/segment-analytics (upstream: the collector)`);
    console.log(`Embedded Segment collector: ${collector.url}/events (what the relay forwarded, newest first)`);
  } else if (realKey) {
    console.log(`Using the writeKey of ${localConfig}: events go to Segment, not to the embedded collector.`);
  } else {
    // The dev app's origin may use the collector (loopback origins always may).
    collector = await collectorOnPort({ allowedOrigins: appBaseUrls(configs).map(url => new URL(url).origin) });
    // Backstage reads APP_CONFIG_<path> variables on top of the config files.
    env.APP_CONFIG_app_analytics_segment_cdnURL = collector.url;
    env.APP_CONFIG_app_analytics_segment_apiHost = `http://${collector.apiHost}`;
    console.log(`Embedded Segment collector: ${collector.url}/events (what it received, newest first)`);
    for (const line of startBanner(collector).slice(1)) console.log(line);
  }

  const args = ['package', 'start', ...configs.flatMap(c => ['--config', c]), ...(nfs ? ['--entrypoint', 'dev/nfs'] : [])];
  const app = spawn('backstage-cli', args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  // The app's own URL (app.baseUrl, the last config file's, or APP_CONFIG_app_baseUrl), told once it answers.
  const base = (appBaseUrls(configs).at(-1) ?? 'http://localhost:3000').replace(/\/+$/, '');
  const page = `${base}${nfs ? '/nfs-one' : '/playground'}`;
  let ready = false;
  void whenAnswering(base).then(answered => {
    ready = answered;
    if (answered) console.log(`Dev app (${nfs ? 'New Frontend System' : 'legacy frontend system'}): ${page}`);
  });

  const stop = async () => {
    app.kill('SIGINT');
    await backend?.stop().catch(() => {});
    await collector?.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // npm stopped with SIGTERM (an editor's stop button) does not pass it on: stop with the parent.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void stop(), 1000).unref();
  app.on('exit', async code => {
    if (code && !ready) {
      console.error(
        `The dev app did not start (exit code ${code}). If its port is taken (${base}), stop what holds it, or set ` +
          'app.baseUrl to another in app-config.local.yaml (e.g. http://localhost:3100; not with --backend).',
      );
    }
    await backend?.stop().catch(() => {});
    await collector?.close();
    process.exit(code ?? 0);
  });
}

/**
 * The collector on COLLECTOR_PORT (4010), or on a free port, saying so, when that one is taken.
 * @param {Omit<Parameters<typeof startCollector>[0], 'port'>} options
 */
async function collectorOnPort(options) {
  const port = Number(process.env.COLLECTOR_PORT ?? 4010);
  return startCollector({ ...options, port }).catch(async error => {
    const collector = await startCollector({ ...options, port: 0 });
    console.log(`Port ${port} is not free (${error.code ?? error}): the collector listens on ${collector.url} instead (COLLECTOR_PORT sets it).`);
    return collector;
  });
}

/**
 * Resolves true once `url` answers with the app's page (the dev server has bound and built; not another
 * server holding the port), false after two minutes.
 * @param {string} url
 */
async function whenAnswering(url) {
  for (let i = 0; i < 240; i++) {
    const answered = await fetch(url).then(
      answer => answer.text().then(text => text.includes('id="root"')),
      () => false,
    );
    if (answered) return true;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  return false;
}

void main();

/**
 * The `app.baseUrl`s of the given config files, in order, then APP_CONFIG_app_baseUrl (the last one wins),
 * read line by line: the first `baseUrl:` under the top-level `app:` key.
 * @param {string[]} files
 * @returns {string[]}
 */
function appBaseUrls(files) {
  /** @type {string[]} */
  const urls = [];
  for (const file of files) {
    let inApp = false;
    for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
      if (/^[^\s#]/.test(line)) inApp = /^app:\s*$/.test(line);
      const match = inApp && /^ {2}baseUrl:\s*['"]?([^'"\s#]+)/.exec(line);
      if (match) urls.push(match[1]);
    }
  }
  if (process.env.APP_CONFIG_app_baseUrl) urls.push(process.env.APP_CONFIG_app_baseUrl);
  return urls.filter(url => {
    try {
      return /^https?:\/\//.test(url) && !!new URL(url).origin;
    } catch {
      return false;
    }
  });
}
