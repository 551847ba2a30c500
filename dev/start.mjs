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
    const port = Number(process.env.COLLECTOR_PORT ?? 4010);
    collector = await startCollector({ port }).catch(() => startCollector({ port: 0 }));
    backend = await startDevBackend({ upstreamUrl: `${collector.url}/v1`, port: Number(process.env.BACKEND_PORT ?? 7007) });
    env.APP_CONFIG_backend_baseUrl = backend.baseUrl;
    console.log(`Backstage backend with the Segment relay: ${backend.baseUrl}/api/segment-analytics (upstream: the collector)`);
    console.log(`Embedded Segment collector: ${collector.url}/events (what the relay forwarded, newest first)`);
  } else if (realKey) {
    console.log(`Using the writeKey of ${localConfig}: events go to Segment, not to the embedded collector.`);
  } else {
    const port = Number(process.env.COLLECTOR_PORT ?? 4010);
    // The dev app's origin may use the collector (loopback origins always may).
    const allowedOrigins = appOrigins(configs);
    collector = await startCollector({ port, allowedOrigins }).catch(() => startCollector({ port: 0, allowedOrigins }));
    // Backstage reads APP_CONFIG_<path> variables on top of the config files.
    env.APP_CONFIG_app_analytics_segment_cdnURL = collector.url;
    env.APP_CONFIG_app_analytics_segment_apiHost = `http://${collector.apiHost}`;
    console.log(`Embedded Segment collector: ${collector.url}/events (what it received, newest first)`);
    for (const line of startBanner(collector).slice(1)) console.log(line);
  }

  const args = ['package', 'start', ...configs.flatMap(c => ['--config', c]), ...(nfs ? ['--entrypoint', 'dev/nfs'] : [])];
  const app = spawn('backstage-cli', args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  console.log(`Dev app (${nfs ? 'New Frontend System' : 'legacy frontend system'}): http://localhost:3000/playground`);

  const stop = async () => {
    app.kill('SIGINT');
    await backend?.stop().catch(() => {});
    await collector?.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  app.on('exit', async code => {
    await backend?.stop().catch(() => {});
    await collector?.close();
    process.exit(code ?? 0);
  });
}

void main();

/**
 * The origins of `app.baseUrl` in the given config files (and APP_CONFIG_app_baseUrl),
 * read line by line: the first `baseUrl:` under the top-level `app:` key.
 * @param {string[]} files
 * @returns {string[]}
 */
function appOrigins(files) {
  const urls = [process.env.APP_CONFIG_app_baseUrl];
  for (const file of files) {
    let inApp = false;
    for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
      if (/^[^\s#]/.test(line)) inApp = /^app:\s*$/.test(line);
      const match = inApp && /^ {2}baseUrl:\s*['"]?([^'"\s#]+)/.exec(line);
      if (match) urls.push(match[1]);
    }
  }
  return [...new Set(urls.flatMap(url => {
    try {
      return url && /^https?:\/\//.test(url) ? [new URL(url).origin] : [];
    } catch {
      return [];
    }
  }))];
}
