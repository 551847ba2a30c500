#!/usr/bin/env node
// @ts-check
// The package's benchmark: the module against a naive implementation, in the
// same process, same browser, same collector. `node bench/run.mjs`
// (`npm run bench`). Not a test: it prints figures, it does not judge them.
//
// Environment knobs (defaults in brackets): BENCH_RUNS [5], BENCH_WARMUP [1000]
// events per run before timing, BENCH_EVENTS [10000] timed events in total,
// spread evenly over the runs, BENCH_BURST [1000] burst events per run,
// BENCH_BIG_BURST [10000] events of the one-task burst (once, in the last run;
// 0 skips it), BENCH_MAIN_EVENTS [2000] events of the main-thread-per-delivered-event
// scenario, each run (0 skips it), on a Playwright page and on a bare page.
//
// `node bench/run.mjs adversarial` runs only the adversarial rules and
// patterns scenario (bench/adversarial.mjs), about a minute.
// `node bench/run.mjs main-thread` runs only the main-thread-per-delivered-event
// scenario and the 10,000-event burst, once (about three minutes).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { PAGES, ROOT, buildPage, gzipSize } from './build.mjs';
import { launchBrowser } from './browser.mjs';
import { adversarial, printAdversarial } from './adversarial.mjs';
import { mainThreadPerEvent, mainThreadPerEventBare } from './mainThread.mjs';
import { VARIANTS, burstToQuiet, captureCost, firstEvent, wire } from './measure.mjs';
import { cell, kb, printTable, ratio } from './report.mjs';
import { startStaticServer } from './serve.mjs';
import { median, quantile, spread } from './stats.mjs';

/** @typedef {Awaited<ReturnType<typeof captureCost>>} Capture */
/** @typedef {Awaited<ReturnType<typeof wire>>} Wire */
/** @typedef {Awaited<ReturnType<typeof firstEvent>>} First */
/** @typedef {Awaited<ReturnType<typeof burstToQuiet>>} Burst */
/** @typedef {Awaited<ReturnType<typeof mainThreadPerEvent>>} Main */
/** @typedef {Awaited<ReturnType<typeof buildPage>>} Build */
/** @typedef {'paced' | 'burst'} CaptureKey */

/** @param {string} name @param {number} fallback */
const int = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
  return value;
};
const RUNS = int('BENCH_RUNS', 5);
const WARMUP = int('BENCH_WARMUP', 1000);
const GROUP = 100;
const EVENTS_PER_RUN = Math.ceil(int('BENCH_EVENTS', 10_000) / RUNS / GROUP) * GROUP;
const BURST = Math.ceil(int('BENCH_BURST', 1000) / GROUP) * GROUP;
const WIRE_EVENTS = 100;
const BIG_BURST = Number(process.env.BENCH_BIG_BURST ?? 10_000);
const MAIN_EVENTS = Number(process.env.BENCH_MAIN_EVENTS ?? 2000);
/** The implementations of the burst figures. */
const WHOLE_COST = ['module', 'module-batching', 'naive'];
/** Those of the main-thread figures: the same, and one request per event with nothing else (the floor). */
const MAIN_THREAD = [...WHOLE_COST, 'floor'];

const progress = (/** @type {string} */ message) => process.stderr.write(`[bench] ${message}\n`);
const version = (/** @type {string} */ pkg) => JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;

/**
 * Runs `fn(variant)` for each variant, module-first on even runs and naive-first on odd ones.
 * @param {number} run
 * @param {string[]} variants
 * @param {(variant: string) => Promise<unknown>} fn
 */
async function each(run, variants, fn) {
  const ordered = run % 2 ? [...variants].reverse() : variants;
  for (const name of ordered) await fn(name);
}

/** `node bench/run.mjs adversarial`: that scenario alone, in one browser. */
async function onlyAdversarial() {
  const out = mkdtempSync(join(tmpdir(), 'segment-bench-'));
  process.on('exit', () => rmSync(out, { recursive: true, force: true }));
  for (const page of ['module', 'empty']) await buildPage(page, out);
  const server = await startStaticServer(out);
  const browser = await launchBrowser();
  try {
    progress('adversarial rules and patterns');
    const result = await adversarial(browser, server);
    printMachine(browser.version());
    printAdversarial(result);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** `node bench/run.mjs main-thread`: the main-thread figure and the big burst, one run. */
async function onlyMainThread() {
  const out = mkdtempSync(join(tmpdir(), 'segment-bench-'));
  process.on('exit', () => rmSync(out, { recursive: true, force: true }));
  for (const page of ['module', 'naive', 'floor']) await buildPage(page, out);
  const server = await startStaticServer(out);
  const browser = await launchBrowser();
  /** @type {Record<string, Main[]>} */
  const perEvent = Object.fromEntries(MAIN_THREAD.map(v => [v, []]));
  /** @type {Record<string, Main[]>} */
  const perEventBare = Object.fromEntries(MAIN_THREAD.map(v => [v, []]));
  /** @type {Record<string, Burst[]>} */
  const bursts = Object.fromEntries(WHOLE_COST.map(v => [v, []]));
  try {
    progress(`main-thread time per delivered event (${MAIN_EVENTS} events in one task)`);
    for (const v of MAIN_THREAD) perEvent[v].push(await mainThreadPerEvent(browser, server, VARIANTS[v], MAIN_EVENTS));
    progress(`the same on a bare page`);
    for (const v of MAIN_THREAD) perEventBare[v].push(await mainThreadPerEventBare(server, VARIANTS[v], MAIN_EVENTS));
    if (BIG_BURST > 0) {
      progress(`${BIG_BURST} events in one task, until delivered and quiet`);
      for (const v of WHOLE_COST) bursts[v].push(await burstToQuiet(browser, server, VARIANTS[v], BIG_BURST));
    }
    printMachine(browser.version());
  } finally {
    await browser.close();
    await server.close();
  }
  printMainThread(perEvent, perEventBare);
  if (bursts.module.length) printBurst(bursts);
}

async function main() {
  if (process.argv[2] === 'adversarial') {
    await onlyAdversarial();
    return;
  }
  if (process.argv[2] === 'main-thread') {
    await onlyMainThread();
    return;
  }
  const started = Date.now();
  const out = mkdtempSync(join(tmpdir(), 'segment-bench-'));
  process.on('exit', () => rmSync(out, { recursive: true, force: true })); // also on failure
  /** @type {Record<string, Build>} */
  const builds = {};
  for (const page of PAGES) builds[page] = await buildPage(page, out);
  const server = await startStaticServer(out);

  /** @type {Record<string, Capture[]>} */
  const capture = { module: [], naive: [], 'module-privacy': [] };
  /** @type {Record<string, Wire[]>} */
  const wires = { module: [], 'module-batching': [], naive: [] };
  /** @type {Record<string, First[]>} */
  const firsts = { module: [], 'module-local': [], naive: [] };
  /** @type {Record<string, Burst[]>} */
  const bursts = Object.fromEntries(WHOLE_COST.map(v => [v, []]));
  /** @type {Record<string, Main[]>} */
  const mainThread = Object.fromEntries(MAIN_THREAD.map(v => [v, []]));
  /** @type {Record<string, Main[]>} */
  const mainThreadBare = Object.fromEntries(MAIN_THREAD.map(v => [v, []]));
  let chromiumVersion = '?';
  let adversarialResult;
  try {
    for (let run = 0; run < RUNS; run++) {
      const browser = await launchBrowser();
      chromiumVersion = browser.version();
      try {
        progress(`run ${run + 1}/${RUNS}: wire`);
        await each(run, Object.keys(wires), async v => wires[v].push(await wire(browser, server, VARIANTS[v], WIRE_EVENTS)));
        progress(`run ${run + 1}/${RUNS}: time to first event`);
        await each(run, Object.keys(firsts), async v => firsts[v].push(await firstEvent(browser, server, VARIANTS[v])));
        progress(`run ${run + 1}/${RUNS}: captureEvent cost (${WARMUP} warm-up + ${EVENTS_PER_RUN} paced + ${BURST} burst events each)`);
        await each(run, Object.keys(capture), async v =>
          capture[v].push(
            await captureCost(browser, server, VARIANTS[v], { warmup: WARMUP, events: EVENTS_PER_RUN, groupSize: GROUP, burst: BURST }),
          ),
        );
        if (MAIN_EVENTS > 0) {
          progress(`run ${run + 1}/${RUNS}: main-thread time per delivered event (${MAIN_EVENTS} events in one task)`);
          await each(run, MAIN_THREAD, async v => mainThread[v].push(await mainThreadPerEvent(browser, server, VARIANTS[v], MAIN_EVENTS)));
          progress(`run ${run + 1}/${RUNS}: the same on a bare page`);
          await each(run, MAIN_THREAD, async v => mainThreadBare[v].push(await mainThreadPerEventBare(server, VARIANTS[v], MAIN_EVENTS)));
        }
        if (run === RUNS - 1) {
          progress(`run ${run + 1}/${RUNS}: adversarial rules and patterns`);
          adversarialResult = await adversarial(browser, server);
        }
        if (BIG_BURST > 0 && run === RUNS - 1) {
          progress(`run ${run + 1}/${RUNS}: ${BIG_BURST} events in one task, until delivered and quiet`);
          await each(run, WHOLE_COST, async v => bursts[v].push(await burstToQuiet(browser, server, VARIANTS[v], BIG_BURST)));
        }
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
  }
  report(builds, out, chromiumVersion, capture, wires, firsts);
  if (mainThread.module.length) printMainThread(mainThread, mainThreadBare);
  if (bursts.module.length) printBurst(bursts);
  if (adversarialResult) printAdversarial(adversarialResult);
  console.log(`\nTotal time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * @param {Record<string, Build>} builds
 * @param {string} out
 * @param {string} chromiumVersion
 * @param {Record<string, Capture[]>} capture
 * @param {Record<string, Wire[]>} wires
 * @param {Record<string, First[]>} firsts
 */
function report(builds, out, chromiumVersion, capture, wires, firsts) {
  printMachine(chromiumVersion, capture.module[0]);
  printSizes(builds, out, wires);
  printResults(capture, wires, firsts);
  printPrivacy(capture);
  printSanity(capture, wires, firsts);
}

/**
 * captureEvent with every privacy option set (bench/privacyOptions.mjs) against none, same module.
 * @param {Record<string, Capture[]>} capture
 */
function printPrivacy(capture) {
  /** @param {string} label @param {CaptureKey} key @param {number} q */
  const row = (label, key, q) => {
    const a = pooled(capture['module-privacy'], key, q);
    const b = pooled(capture.module, key, q);
    return [label, a.text, b.text, ratio([a.value], [b.value])];
  };
  console.log('\nPrivacy options (module only; redaction, rules, allow-lists, sha-256 search terms all on)');
  printTable([
    ['captureEvent on the calling thread, per event', 'every option', 'none', 'every/none'],
    row('  paced: median', 'paced', 0.5),
    row('  paced: p95', 'paced', 0.95),
    row(`  burst of ${BURST}/run: median`, 'burst', 0.5),
    row('  burst: p95', 'burst', 0.95),
  ]);
}

/**
 * @param {string} chromiumVersion
 * @param {{ crossOriginIsolated: boolean, timerResolutionMs: number }} [pageInfo] absent when a scenario runs alone
 */
function printMachine(chromiumVersion, pageInfo) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  console.log('Segment analytics module: benchmark');
  console.log(`Machine:   ${model}, ${cpus().length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM`);
  console.log(`Software:  node ${process.version}, Chromium ${chromiumVersion} (headless, /usr/bin/chromium), ` +
    `playwright-core ${version('playwright-core')}, esbuild ${version('esbuild')}, @segment/analytics-next ${version('@segment/analytics-next')}`);
  if (!pageInfo) return; // a scenario run alone
  console.log(`Timer:     page crossOriginIsolated=${pageInfo.crossOriginIsolated}, performance.now() step ${(pageInfo.timerResolutionMs * 1000).toFixed(1)} µs`);
  console.log(`Runs:      ${RUNS}, each in a fresh browser (new temp profile) with a fresh context and collector per scenario; ` +
    'figures are medians over runs, (min–max) over runs when they differ');
}

/**
 * @param {Record<string, Build>} builds
 * @param {string} out
 * @param {Record<string, Wire[]>} wires
 */
function printSizes(builds, out, wires) {
  const { module, naive, empty } = builds;
  const fetchedGzip = (/** @type {string[]} */ paths) => paths.reduce((sum, p) => sum + gzipSize(readFileSync(join(out, p))), 0);
  const modFetched = wires.module[0].chunksFetched;
  const naiveFetched = wires.naive[0].chunksFetched;
  console.log('\nJavaScript (esbuild: bundle, minify, splitting, esm, es2020; min+gzip -9, each chunk gzipped on its own)');
  printTable([
    ['', 'module', 'naive', 'module/naive'],
    ['initial JS of the page (entry + static imports)', kb(module.initialSize.gzip), kb(naive.initialSize.gzip), ratio([module.initialSize.gzip], [naive.initialSize.gzip])],
    [`  of which the same page without analytics`, kb(empty.initialSize.gzip), kb(empty.initialSize.gzip), ''],
    ['initial JS attributable to the implementation',
      kb(module.initialSize.gzip - empty.initialSize.gzip), kb(naive.initialSize.gzip - empty.initialSize.gzip),
      ratio([module.initialSize.gzip - empty.initialSize.gzip], [naive.initialSize.gzip - empty.initialSize.gzip])],
    ['  same, minified only (bytes)', module.initialSize.min - empty.initialSize.min, naive.initialSize.min - empty.initialSize.min, ''],
    ['lazy chunks, all (info)', `${kb(module.lazySize.gzip)} in ${module.lazySize.files}`, `${kb(naive.lazySize.gzip)} in ${naive.lazySize.files}`, ''],
    ['lazy chunks fetched at runtime here (info)', `${kb(fetchedGzip(modFetched))} in ${modFetched.length}`, `${kb(fetchedGzip(naiveFetched))} in ${naiveFetched.length}`, ''],
  ]);
}

/** µs with a precision that suits the magnitude. @param {number} ms */
const us = ms => {
  const v = ms * 1000;
  if (v >= 100) return v.toFixed(0);
  return v >= 10 ? v.toFixed(1) : v.toFixed(2);
};

/**
 * Pooled statistic over every group of every run, with the spread of the per-run statistic.
 * @param {Capture[]} runs
 * @param {CaptureKey} key
 * @param {number} q
 */
function pooled(runs, key, q) {
  const all = runs.flatMap(r => r[key]);
  const perRun = runs.map(r => quantile(r[key], q));
  const { min, max } = spread(perRun);
  return { value: quantile(all, q), text: `${us(quantile(all, q))} µs (${us(min)}–${us(max)})`, n: all.length };
}

/**
 * @param {Record<string, Capture[]>} capture
 * @param {Record<string, Wire[]>} wires
 * @param {Record<string, First[]>} firsts
 */
function printResults(capture, wires, firsts) {
  const m = capture.module;
  const n = capture.naive;
  /** @param {string} label @param {CaptureKey} key @param {number} q */
  const row = (label, key, q) => {
    const a = pooled(m, key, q);
    const b = pooled(n, key, q);
    return [label, a.text, b.text, ratio([a.value], [b.value])];
  };
  /** @param {string} variant @param {(r: Wire) => number} f */
  const w = (variant, f) => wires[variant].map(f);
  const perEvent = (/** @type {Wire} */ r) => r.trackingBodyBytes / WIRE_EVENTS;
  const perEventWithHeads = (/** @type {Wire} */ r) => (r.trackingBodyBytes + r.trackingHeadBytes) / WIRE_EVENTS;
  /** @param {string} label @param {(r: Wire) => number} f */
  const wireRow = (label, f, digits = 0) => [
    [`${label}`, cell(w('module', f), digits), cell(w('naive', f), digits), ratio(w('module', f), w('naive', f))],
    [`  with batching 20/1000 ms (module only)`, cell(w('module-batching', f), digits), cell(w('naive', f), digits),
      ratio(w('module-batching', f), w('naive', f))],
  ];
  /** @param {string} variant @param {(r: First) => number} f */
  const first = (variant, f) => firsts[variant].map(f);
  const fromCtor = (/** @type {First} */ r) => r.fromConstructionMs;
  const fromNav = (/** @type {First} */ r) => r.fromNavigationMs;

  console.log(`\nMeasurements (per run: ${WARMUP} warm-up + ${EVENTS_PER_RUN} timed events, ` +
    `${m.flatMap(r => r.paced).length * GROUP} timed events in all per implementation)`);
  printTable([
    ['', 'module', 'naive', 'module/naive'],
    `captureEvent on the calling thread, per event (groups of ${GROUP} timed; pooled over runs, (min–max) of the per-run figure)`,
    row('  paced (library idle at each call): median', 'paced', 0.5),
    row('  paced: p95', 'paced', 0.95),
    row(`  burst of ${BURST}/run, library backed up (info): median`, 'burst', 0.5),
    row('  burst: p95', 'burst', 0.95),
    `requests and bytes for ${WIRE_EVENTS} events (collector; cdnSettings remote)`,
    ...wireRow('  tracking requests, no batching', r => r.trackingRequests),
    ['  CORS preflight requests (info)', cell(w('module', r => r.preflights)), cell(w('naive', r => r.preflights)), ''],
    ['    with batching (module only)', cell(w('module-batching', r => r.preflights)), '', ''],
    ['  settings requests', cell(w('module', r => r.settingsRequests)), cell(w('naive', r => r.settingsRequests)), ''],
    ...wireRow('  tracking body bytes, total', r => r.trackingBodyBytes),
    ...wireRow('  body bytes per event', perEvent),
    ...wireRow('  bytes per event incl. request heads', perEventWithHeads),
    'time to first event at the collector, ms (page constructs at startup, captures one event at once)',
    ['  from construction', cell(first('module', fromCtor), 1), cell(first('naive', fromCtor), 1), ratio(first('module', fromCtor), first('naive', fromCtor))],
    ['    cdnSettings local (module only)', cell(first('module-local', fromCtor), 1), cell(first('naive', fromCtor), 1),
      ratio(first('module-local', fromCtor), first('naive', fromCtor))],
    ['  from navigation start', cell(first('module', fromNav), 1), cell(first('naive', fromNav), 1), ratio(first('module', fromNav), first('naive', fromNav))],
    ['    cdnSettings local (module only)', cell(first('module-local', fromNav), 1), cell(first('naive', fromNav), 1),
      ratio(first('module-local', fromNav), first('naive', fromNav))],
  ]);
}

/**
 * Main-thread time per delivered event, all told, against the naive
 * implementation's default: on Playwright pages, then on bare pages.
 * @param {Record<string, Main[]>} runs
 * @param {Record<string, Main[]>} bareRuns
 */
function printMainThread(runs, bareRuns) {
  const perEvent = (/** @type {Main} */ r) => r.busyMsPerEvent * 1000;
  console.log(`\nMain-thread time per delivered event: ${MAIN_EVENTS} events captured in one task (library loaded, user known), ` +
    `Chromium's TaskDuration from the capture until delivered and quiet for 1.5 s, ÷ events delivered; ` +
    `median over ${runs.module.length} run(s); ratios of medians, measured in the same run(s)`);
  for (const [where, r] of /** @type {const} */ ([['on a Playwright page', runs], ['on a bare page (no Playwright: nothing follows its requests)', bareRuns]])) {
    /** @param {string} label @param {string} v @param {(m: Main) => number} f @param {number} digits */
    const row = (label, v, f, digits = 0) => [label, cell(r[v].map(f), digits), cell(r.naive.map(f), digits), ratio(r[v].map(f), r.naive.map(f))];
    printTable([
      [where, 'module', 'naive', 'module/naive'],
      row('  default config: µs per delivered event', 'module', perEvent),
      row('  batching 20/1000 ms: µs per delivered event', 'module-batching', perEvent),
      row('  floor: one request per event, nothing else (bench/floor): µs per delivered event', 'floor', perEvent),
      row('  default: events delivered', 'module', m => m.delivered),
      row('  batching: events delivered', 'module-batching', m => m.delivered),
      row('  default: requests (POST)', 'module', m => m.requests),
      row('  batching: requests (POST)', 'module-batching', m => m.requests),
      row('  default: capture to all delivered (ms)', 'module', m => m.toDeliveredMs),
      row('  batching: capture to all delivered (ms)', 'module-batching', m => m.toDeliveredMs),
    ]);
  }
}

/** @param {Record<string, Burst[]>} bursts */
function printBurst(bursts) {
  const n = bursts.naive[0];
  const fixed = (/** @type {number} */ v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '?');
  console.log(`\n${BIG_BURST} events captured in one task (library loaded, user known), until delivered and quiet (one run)`);
  /** @param {Burst} m @param {string} label */
  const rows = (m, label) => [
    `${label}`,
    ['  delivered (distinct messageIds at the collector)', m.delivered, n.delivered, ratio([m.delivered], [n.delivered])],
    ['  capture loop, per event (µs, on the caller)', us(m.captureLoopMsPerEvent), us(n.captureLoopMsPerEvent),
      ratio([m.captureLoopMsPerEvent], [n.captureLoopMsPerEvent])],
    ['  main-thread time after the loop until quiet, per event (µs)', us(m.busyMsPerEvent), us(n.busyMsPerEvent),
      ratio([m.busyMsPerEvent], [n.busyMsPerEvent])],
    ['  time to deliver: burst to last arrival (s)', fixed(m.toQuietMs / 1000), fixed(n.toQuietMs / 1000), ratio([m.toQuietMs], [n.toQuietMs])],
    ['  long tasks (>50 ms) after the loop', m.longTasks, n.longTasks, ''],
    ['  longest of them (ms)', fixed(m.longestTaskMs, 0), fixed(n.longestTaskMs, 0), ''],
  ];
  printTable([
    ['', 'module', 'naive', 'module/naive'],
    ...rows(bursts.module[0], 'default config'),
    ...(bursts['module-batching']?.length ? rows(bursts['module-batching'][0], 'module with batching 20/1000 ms') : []),
  ]);
}

/**
 * @param {Record<string, Capture[]>} capture
 * @param {Record<string, Wire[]>} wires
 * @param {Record<string, First[]>} firsts
 */
function printSanity(capture, wires, firsts) {
  /** @type {Array<{ external: string[] }>} */
  const all = [...Object.values(capture), ...Object.values(wires), ...Object.values(firsts)].flat();
  const external = all.reduce((sum, r) => sum + r.external.length, 0);
  const lines = Object.entries(wires).map(([variant, runs]) => {
    const events = runs.map(r => r.events).join('/');
    const problems = runs.reduce((sum, r) => sum + r.duplicates + r.failed + r.otherRequests, 0);
    return `${variant}: events received per run ${events}, identify ${runs.map(r => r.identifies).join('/')}, ` +
      `duplicates+failed+other requests ${problems}, request heads seen ${runs.map(r => r.headsSeen).join('/')}`;
  });
  const offsets = Object.values(firsts).flat().map(r => Math.abs(r.clockOffsetMs));
  console.log('\nChecks');
  for (const line of lines) console.log(`  ${line}`);
  console.log(`  requests to anything but 127.0.0.1: ${external}`);
  console.log(`  page/Node clock offset removed: median |offset| ${median(offsets).toFixed(2)} ms, ` +
    `max ${Math.max(...offsets).toFixed(2)} ms; collector stamps have 1 ms resolution`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
