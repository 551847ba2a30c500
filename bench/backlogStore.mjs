#!/usr/bin/env node
// @ts-check
// What the carry-over store costs the page's main thread with a large backlog
// (docs/performance.md, "Storing a large backlog"): a page left with every event
// still waiting (Segment's CDN blocked, say) stores them all as it is hidden,
// and a load reads them back. The store (src/delivery/callStore.ts) is bundled
// with esbuild and run in a bare headless Chromium page on its real
// localStorage: COUNT calls of about a kilobyte, then ROUNDS rounds, each in a
// task of its own, of what a hide does with them (which are still stored, then
// the write) and of what a load does (read them all), median and range per
// round, and of what a page shown again does (takes them back, in a later task). With `--against <git revision>`, the same rounds also run on that
// revision's store in the same page, alternately, and the ratio is printed:
// figures in one run. Not run by `npm run bench`: `node bench/backlogStore.mjs
// [--against <rev>]` (under a minute; BACKLOG_COUNT, BACKLOG_ROUNDS change the
// defaults).
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { openBarePage } from '../e2e/support/barePage.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const COUNT = Number(process.env.BACKLOG_COUNT ?? 1000);
const ROUNDS = Number(process.env.BACKLOG_ROUNDS ?? 15);
const againstAt = process.argv.indexOf('--against');
const against = againstAt >= 0 ? process.argv[againstAt + 1] : undefined;

/**
 * The store of the source tree at `root`, as a script that sets `window[name]`.
 * @param {string} root
 * @param {string} name
 */
async function bundleStore(root, name) {
  const built = await esbuild.build({
    stdin: { contents: `export { createCallStore } from ${JSON.stringify(join(root, 'src/delivery/callStore.ts'))};`, resolveDir: root, loader: 'ts' },
    bundle: true,
    format: 'iife',
    globalName: name,
    write: false,
    logLevel: 'silent',
  });
  return built.outputFiles[0].text;
}

/** @type {string[]} */
const scripts = [await bundleStore(ROOT, 'current')];
const temporary = against ? mkdtempSync(join(tmpdir(), 'backlog-store-')) : undefined;
if (against && temporary) {
  const archive = execFileSync('git', ['archive', against, 'src'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', temporary], { input: archive });
  scripts.push(await bundleStore(temporary, 'earlier'));
}

// The page: the stores, a backlog of COUNT calls, and one round of each step on demand.
const page = `<!doctype html><title>backlog store</title><script>${scripts.join('\n')}</script><script>
  const logger = { warn() {}, info() {} };
  const calls = Array.from({ length: ${COUNT} }, (_, i) => ({
    messageId: 'ajs-next-' + i + '-' + 'x'.repeat(30), owner: 'user:default/jane',
    call: { type: 'track', event: 'click', timestamp: new Date(Date.now() - 60000 + i),
      properties: { subject: 'Link ' + i, attributes: { to: '/catalog/default/component/c-' + i, note: 'n'.repeat(600) },
        context: { pluginId: 'catalog', extension: 'App', routeRef: 'catalog:entity' } },
      page: { url: location.href, path: '/catalog', search: '', title: 'Catalog', referrer: '' } },
  }));
  const ids = calls.map(c => c.messageId);
  window.round = name => {
    localStorage.clear();
    const store = window[name].createCallStore({ storage: localStorage, writeKey: 'wk', now: Date.now, logger, pageId: 'p' });
    store.save(calls);
    let start = performance.now();
    store.holds(ids);
    store.save(calls);
    const hide = performance.now() - start;
    const chars = localStorage.getItem('backstage-segment:wk:pending')?.length ?? 0;
    start = performance.now();
    window[name].createCallStore({ storage: localStorage, writeKey: 'wk', now: Date.now, logger, pageId: 'q' }).load();
    const load = performance.now() - start;
    return new Promise(next => setTimeout(() => {
      start = performance.now();
      store.take(ids);
      next({ hide, load, show: performance.now() - start, chars });
    }));
  };
</script>`;

const site = createServer((_request, response) => {
  response.setHeader('content-type', 'text/html');
  response.end(page);
});
await new Promise(listening => site.listen(0, '127.0.0.1', () => listening(undefined)));
const browser = await openBarePage();
try {
  await browser.goto(`http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (site.address()).port}/`);
  await browser.waitForFunction(() => typeof (/** @type {any} */ (window).round) === 'function');
  const names = against ? ['current', 'earlier'] : ['current'];
  /** @type {Record<string, { hide: number[], load: number[], show: number[], chars: number }>} */
  const results = Object.fromEntries(names.map(name => [name, { hide: [], load: [], show: [], chars: 0 }]));
  for (let i = 0; i < ROUNDS; i++) {
    for (const name of i % 2 ? [...names].reverse() : names) {
      const figures = await browser.evaluate(n => /** @type {any} */ (window).round(n), name);
      results[name].hide.push(figures.hide);
      results[name].load.push(figures.load);
      results[name].show.push(figures.show);
      results[name].chars = figures.chars;
    }
  }
  /** @param {number[]} values */
  const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  /** @param {number[]} values */
  const summary = values => `${median(values).toFixed(1)} ms (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
  console.log(`${COUNT} waiting calls, ${results.current.chars} characters stored, ${ROUNDS} rounds, Chromium's localStorage`);
  for (const name of names) {
    const label = name === 'current' ? 'this tree' : `at ${against}`;
    console.log(`${label}: a hide's store work ${summary(results[name].hide)}, a load's read ${summary(results[name].load)}, taking them back when shown ${summary(results[name].show)}`);
  }
  if (against) {
    const ratio = (/** @type {'hide' | 'load' | 'show'} */ step) => (median(results.current[step]) / median(results.earlier[step])).toFixed(2);
    console.log(`this tree / ${against} (medians): hide ${ratio('hide')}, load ${ratio('load')}, show ${ratio('show')}`);
  }
} finally {
  await browser.close();
  site.close();
  if (temporary) rmSync(temporary, { recursive: true, force: true });
}
