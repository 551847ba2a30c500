#!/usr/bin/env node
// @ts-check
// Where the main thread's time goes, per delivered event, for the module and
// for the naive implementation (the public plugin's way), in one run: a CPU
// profile from the DevTools protocol (Profiler domain, through a
// playwright-core CDP session) while N events captured in one task are
// handed over, enriched, stored and sent, until delivered and quiet; self
// time grouped by area. The pages are built unminified, so that each
// function's place in a chunk tells which source file (and so which area)
// it comes from. `node bench/profile.mjs` (BENCH_PROFILE_EVENTS [2000];
// BENCH_PROFILE_VARIANTS [module,module-batching,naive], any of measure.mjs's VARIANTS (floor: one request per event, nothing else), naive always included;
// BENCH_PROFILE_BARE=1 profiles bare pages instead, which nothing but the
// DevTools protocol's Page, Runtime and Profiler domains drives, as in a
// user's browser: Playwright follows every request, see measure.mjs).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildPage } from './build.mjs';
import { launchBrowser } from './browser.mjs';
import { quiet } from './mainThread.mjs';
import { bareScenario, openLoaded, scenario, VARIANTS } from './measure.mjs';
import { printTable } from './report.mjs';
import { startStaticServer } from './serve.mjs';

/** @typedef {import('./measure.mjs').BenchWindow} BenchWindow */
/** @typedef {{ id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }} ProfileNode */
/** @typedef {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[] }} Profile */

const EVENTS = Number(process.env.BENCH_PROFILE_EVENTS ?? 2000);
const SAMPLING_US = 200;
/** `BENCH_PROFILE_TOP=n` also prints the n functions with the most self time, per implementation. */
const TOP = Number(process.env.BENCH_PROFILE_TOP ?? 0);
/** `BENCH_PROFILE_BARE=1`: bare pages instead of Playwright pages. */
const BARE = process.env.BENCH_PROFILE_BARE === '1';

/** Areas, in the order printed; the first rule that matches a source path (or a native function's name) wins. */
const AREAS = /** @type {const} */ ([
  ['library storage (cookies, localStorage, identity)', /analytics-next\/dist\/pkg\/(core\/(storage|user)\/|lib\/priority-queue\/persisted)|js-cookie/],
  ['fetch and dispatch (Segment.io plugin, dispatchers)', /analytics-next\/dist\/pkg\/(plugins\/segmentio\/|lib\/fetch|lib\/on-page-change)|unfetch/],
  ['library core (event factory, queue, plugins)', /node_modules\/(@segment|@lukeed|dset|tslib|spark-md5|obj-case|new-date|@segment\/facade)\//],
  ["this module's batcher (src/delivery/batching/: with batching, in place of the library's dispatcher)", /^src\/delivery\/batching\//],
  ['this module (src/, the rest)', /^src\//],
  ['page harness and other packages', /^(bench\/|node_modules\/)/],
]);

/** Native functions, by name, into the areas above. */
const NATIVE = /** @type {Array<[RegExp, string]>} */ ([
  [/cookie|getItem|setItem|removeItem/i, AREAS[0][0]],
  [/^fetch$|Response|Headers|Request|btoa/, AREAS[1][0]],
]);
const ENGINE = 'engine: garbage collection, compiling, other native work';

/**
 * For each served chunk file, the source paths esbuild wrote as `// path` comments, with their first line.
 * @param {string} dir
 * @param {string[]} files
 */
function sourceMaps(dir, files) {
  /** @type {Map<string, Array<{ line: number, input: string }>>} */
  const byFile = new Map();
  for (const file of files) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    /** @type {Array<{ line: number, input: string }>} */
    const starts = [];
    lines.forEach((text, line) => {
      // (a symlinked node_modules shows as its real path: keep what follows the last node_modules/)
      const m = /^\/\/ (\S*?)((?:src|bench|node_modules)\/\S+)$/.exec(text);
      if (m) starts.push({ line, input: m[2].includes('node_modules/') ? m[2].slice(m[2].lastIndexOf('node_modules/')) : m[2] });
    });
    byFile.set(basename(file), starts);
  }
  return byFile;
}

/**
 * @param {ProfileNode['callFrame']} frame
 * @param {ReturnType<typeof sourceMaps>} maps
 */
function areaOf(frame, maps) {
  const { url, functionName, lineNumber } = frame;
  if (!url) {
    if (functionName === '(idle)') return undefined;
    for (const [pattern, area] of NATIVE) if (pattern.test(functionName)) return area;
    return ENGINE;
  }
  const starts = maps.get(basename(new URL(url).pathname));
  if (!starts) return 'page harness and other packages';
  const input = inputAt(url, lineNumber, maps);
  return AREAS.find(([, pattern]) => pattern.test(input))?.[0] ?? 'page harness and other packages';
}

/**
 * Self time per area, in ms, from a profile.
 * @param {Profile} profile
 * @param {ReturnType<typeof sourceMaps>} maps
 */
function selfTimeByArea(profile, maps) {
  const byId = new Map(profile.nodes.map(node => [node.id, node]));
  /** @type {Map<string, number>} */
  const ms = new Map();
  /** @type {Map<string, number>} */
  const byFunction = new Map();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const area = areaOf(node.callFrame, maps);
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    if (area) ms.set(area, (ms.get(area) ?? 0) + delta);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = `${functionName || '(anonymous)'} ${inputAt(url, lineNumber, maps)}`;
    if (area) byFunction.set(where, (byFunction.get(where) ?? 0) + delta);
  });
  return { ms, top: [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, TOP) };
}

/** The source path a chunk's line comes from ('' for native code). @param {string} url @param {number} line @param {ReturnType<typeof sourceMaps>} maps */
function inputAt(url, line, maps) {
  if (!url) return '(native)';
  let input = '';
  for (const start of maps.get(basename(new URL(url).pathname)) ?? []) {
    if (start.line > line) break;
    input = start.input;
  }
  return input;
}

/**
 * Once the library is loaded: a profile of EVENTS events captured in one task
 * until delivered and quiet.
 * @param {import('../dev/collector/collector.mjs').Collector} collector
 * @param {{ capture: (count: number) => Promise<unknown>, send: (method: string, params?: object) => Promise<any> }} page
 */
async function profileLoaded(collector, page) {
  await quiet(collector, 1500);
  collector.clear();
  await page.send('Profiler.enable');
  await page.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
  await page.send('Profiler.start');
  await page.capture(EVENTS);
  const delivered = () => new Set(collector.messages().map(m => m.messageId)).size;
  const deadline = Date.now() + 180_000;
  while (delivered() < EVENTS && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
  await quiet(collector, 1500);
  const { profile } = await page.send('Profiler.stop');
  return { profile: /** @type {Profile} */ (profile), delivered: delivered() };
}

/** Captures `count` events in one task, tagged for the profile. @param {number} count */
const captureInPage = count => /** @type {BenchWindow} */ (window).bench.capture(count, 0, 'profile');

/**
 * @param {import('playwright-core').Browser} browser
 * @param {Awaited<ReturnType<typeof startStaticServer>>} server
 * @param {string} variant
 */
async function profileVariant(browser, server, variant) {
  if (!BARE) {
    return scenario(browser, async ({ collector, context, page }) => {
      await openLoaded(page, server, collector, VARIANTS[variant]);
      const cdp = await context.newCDPSession(page);
      // (a playwright-core session takes the protocol's method names as a union: called through one signature here)
      const send = /** @type {(method: string, params?: object) => Promise<any>} */ (/** @type {unknown} */ (cdp.send.bind(cdp)));
      return profileLoaded(collector, { capture: n => page.evaluate(captureInPage, n), send });
    });
  }
  return bareScenario(server, VARIANTS[variant], ({ collector, page }) =>
    profileLoaded(collector, { capture: n => page.evaluate(captureInPage, n), send: page.send }),
  );
}

async function main() {
  const out = mkdtempSync(join(tmpdir(), 'segment-profile-'));
  process.on('exit', () => rmSync(out, { recursive: true, force: true }));
  /** @type {Record<string, Awaited<ReturnType<typeof buildPage>>>} */
  const builds = {};
  const variants = (process.env.BENCH_PROFILE_VARIANTS ?? 'module,module-batching,naive').split(',');
  if (!variants.includes('naive')) variants.push('naive');
  const unknown = variants.filter(variant => !(variant in VARIANTS));
  if (unknown.length) throw new Error(`BENCH_PROFILE_VARIANTS: unknown ${unknown.join(', ')}; known: ${Object.keys(VARIANTS).join(', ')}`);
  for (const page of new Set(variants.map(variant => VARIANTS[variant].page))) builds[page] = await buildPage(page, out, { minify: false });
  const server = await startStaticServer(out);
  const browser = await launchBrowser();
  /** @type {Record<string, { byArea: Map<string, number>, delivered: number, top: Array<[string, number]> }>} */
  const results = {};
  try {
    for (const variant of variants) {
      process.stderr.write(`[profile] ${variant}: ${EVENTS} events in one task, until delivered and quiet\n`);
      const build = builds[VARIANTS[variant].page];
      const files = Object.keys(build.metafile.outputs).filter(f => f.endsWith('.js'));
      const maps = sourceMaps(build.outdir, files.map(f => f.slice(f.lastIndexOf(`/${build.page}/`) + build.page.length + 2)));
      const { profile, delivered } = await profileVariant(browser, server, variant);
      const { ms, top } = selfTimeByArea(profile, maps);
      results[variant] = { byArea: ms, delivered, top };
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const areas = [...AREAS.map(([name]) => name), ENGINE];
  /** @param {string} variant @param {string} area */
  const perEvent = (variant, area) => (results[variant].byArea.get(area) ?? 0) / Math.max(1, results[variant].delivered);
  /** @param {string} variant */
  const total = variant => areas.reduce((sum, area) => sum + perEvent(variant, area), 0);
  /** @param {string} variant @param {string} area */
  const cell = (variant, area) => `${(perEvent(variant, area) * 1000).toFixed(0)} µs ${((100 * perEvent(variant, area)) / total(variant)).toFixed(1)}%`;
  console.log(`CPU profile (DevTools Profiler, ${SAMPLING_US} µs sampling), ${EVENTS} events captured in one task until delivered ` +
    `and quiet; self time per delivered event, by area (share of the implementation's total); one run, unminified pages, ` +
    `${BARE ? 'bare pages (no Playwright)' : 'Playwright pages'}`);
  printTable([
    ['area', ...variants.map(v => VARIANTS[v].label)],
    ...areas.map(area => [area, ...variants.map(v => cell(v, area))]),
    ['total per delivered event', ...variants.map(v => `${(total(v) * 1000).toFixed(0)} µs`)],
    ['  ratio to naive', ...variants.map(v => (total(v) / total('naive')).toFixed(2))],
    ['events delivered', ...variants.map(v => results[v].delivered)],
  ]);
  for (const v of TOP ? variants : []) {
    console.log(`\nTop ${TOP} functions by self time, ${v} (µs per delivered event)`);
    for (const [where, ms] of results[v].top) console.log(`  ${((ms * 1000) / results[v].delivered).toFixed(0).padStart(6)}  ${where}`);
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
