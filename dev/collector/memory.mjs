#!/usr/bin/env node
// @ts-check
// Measures the collector's resident memory when its store is full, and while
// six readers poll its listings: `node dev/collector/memory.mjs`.
// Each scenario runs in a fresh Node process; figures are printed as a table.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startCollector } from './collector.mjs';

/** @typedef {'empty' | 'typical' | 'large'} Scenario */

/**
 * A message shaped like what analytics-next sends, padded to about `bytes` bytes.
 * @param {number} i
 * @param {number} bytes
 */
function message(i, bytes) {
  const base = {
    type: 'track',
    event: 'click',
    userId: 'a'.repeat(64),
    anonymousId: '6f1c0c0e-5f0a-4d5e-9a9e-0c7f0e1d2a3b',
    messageId: `ajs-next-${i}-${'0'.repeat(20)}`,
    timestamp: new Date().toISOString(),
    properties: { subject: 'Catalog', action: 'click', pluginId: 'catalog', attributes: { to: '/catalog/default/component/x' }, pad: '' },
    context: {
      library: { name: 'analytics.js', version: 'npm:next-1.84.3' },
      page: { path: '/catalog', url: 'http://localhost:3000/catalog', title: 'Catalog | Backstage', referrer: '', search: '' },
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
      locale: 'en-US',
    },
    integrations: {},
    writeKey: 'dev-collector',
  };
  base.properties.pad = 'x'.repeat(Math.max(0, bytes - JSON.stringify(base).length));
  return base;
}

/** @param {number} n */
const mb = (n) => Math.round(n / 1024 / 102.4) / 10;
/** @param {number} n */
const kb = (n) => Math.round(n / 1024);

/** @param {Scenario} scenario */
async function run(scenario) {
  const c = await startCollector();
  /** @type {Record<Scenario, [number, number]>} messages and bytes per message */
  const sizes = { empty: [0, 0], typical: [12_000, 1500], large: [2_000, 31 * 1024] };
  const [count, size] = sizes[scenario] ?? [0, 0];
  for (let start = 0; start < count; ) {
    /** @type {object[]} */
    const batch = [];
    let bytes = 0;
    while (start < count && bytes + size < 480 * 1024 && batch.length < 2500) {
      batch.push(message(start++, size));
      bytes += size;
    }
    const res = await fetch(`${c.url}/v1/b`, { method: 'POST', body: JSON.stringify({ batch }) });
    if (res.status !== 200) throw new Error(`batch refused: ${res.status} ${await res.text()}`);
  }
  globalThis.gc?.();
  const full = process.memoryUsage().rss;
  // Six readers, each polling the JSON listing and the HTML view ten times.
  let peak = full;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let i = 0; i < 10; i++) {
        await (await fetch(`${c.url}/events.json`)).arrayBuffer();
        await (await fetch(`${c.url}/events`)).arrayBuffer();
      }
    }),
  );
  clearInterval(sample);
  peak = Math.max(peak, process.memoryUsage().rss);
  const listing = await (await fetch(`${c.url}/events.json`)).text();
  const view = await (await fetch(`${c.url}/events`)).text();
  const kept = c.records().length;
  const storedBytes = c.messages().reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m)), 0);
  await c.close();
  return { scenario, sent: count, kept, storedMB: mb(storedBytes), rssFullMB: mb(full), rssPeakReadersMB: mb(peak), jsonPageKB: kb(listing.length), viewKB: kb(view.length) };
}

/** Runs one scenario (in a child process) or all of them. */
async function main() {
  const scenario = /** @type {Scenario | undefined} */ (process.argv[2]);
  if (scenario) {
    console.log(JSON.stringify(await run(scenario)));
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const rows = ['empty', 'typical', 'large'].map((s) => {
    const out = spawnSync(process.execPath, ['--expose-gc', self, s], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(out.stderr);
    return JSON.parse(out.stdout);
  });
  console.table(rows);
}

void main();
