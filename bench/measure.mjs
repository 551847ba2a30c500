// @ts-check
// The measurements. Each scenario gets its own collector and a fresh browser
// context, so nothing (queued requests, storage, connections) leaks from one
// into the next.
import { startCollector } from '../dev/collector/collector.mjs';
import { isTrackingPath } from '../dev/collector/validate.mjs';
import { openBarePage } from '../e2e/support/barePage.mjs';
import { LOOPBACK_ONLY } from './browser.mjs';
import { EVERY_PRIVACY_OPTION } from './privacyOptions.mjs';

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('playwright-core').BrowserContext} BrowserContext */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('../dev/collector/collector.mjs').Collector} Collector */
/** @typedef {Record<string, any>} Message */
/** @typedef {Awaited<ReturnType<typeof import('./serve.mjs').startStaticServer>>} StaticServer */

/**
 * @typedef {object} Variant
 * @property {string} page the page under bench/pages
 * @property {string} label
 * @property {(c: Collector) => Record<string, unknown>} config app.analytics.segment, given the scenario's collector
 * @property {number} [settleMs] quiet time that means "all sent"
 */

/**
 * What bench/pages/harness.ts installs as `window.bench`.
 * @typedef {object} BenchPage
 * @property {(segment: object) => number} create
 * @property {(count: number, from?: number, tag?: string) => void} capture
 * @property {(subject: string) => void} probe
 * @property {(from: number, count: number) => number} timeGroup
 * @property {(from: number, count: number, groupSize: number) => Promise<number[]>} burst
 * @property {() => number} now
 * @property {() => { crossOriginIsolated: boolean, timerResolutionMs: number }} info
 * @property {{ timeOrigin: number, constructedAt: number } | undefined} started
 */

/** @typedef {Window & typeof globalThis & { bench: BenchPage, __longTasks: Array<{ start: number, ms: number }> }} BenchWindow */

const WRITE_KEY = 'bench-write-key';
const SETTINGS_PATH = /^\/v1\/projects\/[^/]+\/settings\/?$/;

/**
 * The implementations and configurations compared; `config` gets the scenario's collector.
 * @type {Record<string, Variant>}
 */
export const VARIANTS = {
  module: {
    page: 'module',
    label: 'module',
    config: c => ({ writeKey: WRITE_KEY, cdnURL: c.url, apiHost: `http://${c.apiHost}`, cdnSettings: 'remote' }),
  },
  'module-batching': {
    page: 'module',
    label: 'module, batching 20/1000 ms',
    config: c => ({ ...VARIANTS.module.config(c), batching: { size: 20, timeoutMs: 1000 } }),
    settleMs: 1200, // longer than the batching timeout
  },
  'module-local': {
    page: 'module',
    label: 'module, cdnSettings local',
    config: c => ({ ...VARIANTS.module.config(c), cdnSettings: 'local' }),
  },
  'module-privacy': {
    page: 'module',
    label: 'module, every privacy option set',
    config: c => ({ ...VARIANTS.module.config(c), ...EVERY_PRIVACY_OPTION }),
  },
  floor: {
    page: 'floor',
    label: 'one request per event, nothing else',
    config: c => ({ writeKey: WRITE_KEY, apiHost: `http://${c.apiHost}` }),
  },
  naive: {
    page: 'naive',
    label: 'naive',
    config: c => ({ writeKey: WRITE_KEY, cdnURL: c.url }),
  },
};

/** @param {string} subject */
const isProbe = subject => (/** @type {Message} */ message) => message.type === 'track' && message.properties?.subject === subject;

/**
 * Runs `fn` with a fresh collector, browser context and page; counts every
 * request the page makes to anything but 127.0.0.1 (there must be none).
 * @template T
 * @param {Browser} browser
 * @param {(opened: { collector: Collector, context: BrowserContext, page: Page }) => Promise<T>} fn
 * @returns {Promise<T & { external: string[] }>}
 */
export async function scenario(browser, fn) {
  await new Promise(resolve => setTimeout(resolve, 300)); // let the last scenario's teardown finish
  const collector = await startCollector();
  const context = await browser.newContext();
  /** @type {string[]} */
  const external = [];
  context.on('request', request => {
    if (new URL(request.url()).hostname !== '127.0.0.1') external.push(request.url());
  });
  try {
    const page = await context.newPage();
    const result = await fn({ collector, context, page });
    return { ...result, external };
  } finally {
    await context.close();
    await collector.close();
  }
}

/**
 * Opens the variant's page and constructs the implementation; waits until a first event has arrived.
 * @param {Page} page
 * @param {StaticServer} server
 * @param {Collector} collector
 * @param {Variant} variant
 */
export async function openLoaded(page, server, collector, variant) {
  await page.goto(`${server.url}/${variant.page}/index.html`);
  await page.evaluate(config => {
    /** @type {BenchWindow} */ (window).bench.create(config);
    /** @type {BenchWindow} */ (window).bench.probe('ready');
  }, variant.config(collector));
  await collector.waitFor(messages => messages.some(isProbe('ready')), 20_000);
}

/**
 * Like {@link scenario} with {@link openLoaded}, on a bare page
 * (e2e/support/barePage.mjs): its own Chromium (the same flags, a fresh
 * profile) driven over a pipe with the DevTools protocol's Page and Runtime
 * domains only, so that nothing follows its requests, as in a user's browser
 * (Playwright records every request a page makes, which adds main-thread
 * time to each). `fn` runs once the variant's page has delivered a first
 * event; the page and the collector are closed after it.
 * @template T
 * @param {StaticServer} server
 * @param {Variant} variant
 * @param {(opened: { collector: Collector, page: import('../e2e/support/barePage.mjs').BarePage }) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function bareScenario(server, variant, fn) {
  const collector = await startCollector();
  try {
    const page = await openBarePage({ args: [LOOPBACK_ONLY] });
    try {
      await page.goto(`${server.url}/${variant.page}/index.html`);
      await page.waitForFunction(() => 'bench' in window);
      await page.evaluate(config => {
        /** @type {BenchWindow} */ (window).bench.create(config);
        /** @type {BenchWindow} */ (window).bench.probe('ready');
      }, variant.config(collector));
      await collector.waitFor(messages => messages.some(isProbe('ready')), 20_000);
      return await fn({ collector, page });
    } finally {
      await page.close();
    }
  } finally {
    await collector.close();
  }
}

/**
 * Cost of captureEvent on the calling thread, in milliseconds per event, once
 * the library has loaded and delivered a first event (for both implementations).
 *
 * Paced: each group of `groupSize` calls is timed in the page, then the
 * runner waits until the collector has received every event so far before
 * the next group. Events in an app come far slower than the library can
 * deliver them, so its queue is empty at each call, as here. The first
 * `warmup` events are not reported.
 *
 * Burst: then `burst` more events with one task yielded between groups:
 * faster than the library delivers (it sends one event per timer task), so
 * its queue backs up. Shows what each implementation costs the caller then.
 * @param {Browser} browser
 * @param {StaticServer} server
 * @param {Variant} variant
 * @param {{ warmup: number, events: number, groupSize: number, burst: number }} counts
 */
export function captureCost(browser, server, variant, { warmup, events, groupSize, burst }) {
  return scenario(browser, async ({ collector, page }) => {
    await openLoaded(page, server, collector, variant);
    let expected = collector.messages().length;
    /** @type {number[]} */
    const paced = [];
    for (let from = 0; from < warmup + events; from += groupSize) {
      const ms = await page.evaluate(([f, n]) => /** @type {BenchWindow} */ (window).bench.timeGroup(f, n), [from, groupSize]);
      expected += groupSize;
      const sent = expected;
      await collector.waitFor(messages => messages.length >= sent, 30_000);
      // The collector keeps 10,000 messages at most: counted per group, a run of over 10,000 events never waits forever.
      collector.clear();
      expected = 0;
      if (from >= warmup) paced.push(ms / groupSize);
    }
    const burstMs = await page.evaluate(
      ([f, n, g]) => /** @type {BenchWindow} */ (window).bench.burst(f, n, g),
      [warmup + events, burst, groupSize],
    );
    const info = await page.evaluate(() => /** @type {BenchWindow} */ (window).bench.info());
    return { paced, burst: burstMs, ...info };
  });
}

/** Waits until the collector has seen no request for `quietMs`. @param {Collector} collector @param {number} quietMs */
async function settle(collector, quietMs) {
  let count = -1;
  while (count !== collector.requests().length) {
    count = collector.requests().length;
    await new Promise(resolve => setTimeout(resolve, quietMs));
  }
}

/**
 * Bytes of an HTTP/1.1 request head: request line, header lines, blank line.
 * @param {string} method
 * @param {string} url
 * @param {Array<{ name: string, value: string }>} headers
 */
function headBytes(method, url, headers) {
  const { pathname, search } = new URL(url);
  let bytes = `${method} ${pathname}${search} HTTP/1.1\r\n\r\n`.length;
  for (const { name, value } of headers) bytes += Buffer.byteLength(`${name}: ${value}\r\n`);
  return bytes;
}

/**
 * Requests and bytes for `count` events captured in one burst right after
 * construction. Bodies and request counts as the collector received them;
 * request heads from the headers the browser reports having sent (CORS
 * preflights are counted, their heads are not visible and not added).
 * @param {Browser} browser
 * @param {StaticServer} server
 * @param {Variant} variant
 * @param {number} count
 */
export function wire(browser, server, variant, count) {
  return scenario(browser, async ({ collector, context, page }) => {
    /** @type {Promise<number>[]} */
    const heads = [];
    context.on('response', response => {
      const request = response.request();
      if (request.method() === 'POST' && request.url().startsWith(collector.url)) {
        heads.push(request.headersArray().then(headers => headBytes('POST', request.url(), headers)));
      }
    });
    await page.goto(`${server.url}/${variant.page}/index.html`);
    server.clearServed();
    await page.evaluate(([config, n]) => {
      /** @type {BenchWindow} */ (window).bench.create(config);
      /** @type {BenchWindow} */ (window).bench.capture(n, 0, 'wire');
    }, /** @type {[Record<string, unknown>, number]} */ ([variant.config(collector), count]));
    await collector.waitFor(messages => messages.filter(m => m.type !== 'identify').length >= count, 20_000);
    await settle(collector, variant.settleMs ?? 400);
    const requests = collector.requests();
    const tracking = requests.filter(r => r.method === 'POST' && isTrackingPath(r.path));
    const messages = collector.messages();
    const headBytesSeen = await Promise.all(heads);
    return {
      trackingRequests: tracking.length,
      trackingBodyBytes: tracking.reduce((sum, r) => sum + r.bodyBytes, 0),
      trackingHeadBytes: headBytesSeen.reduce((sum, n) => sum + n, 0),
      headsSeen: headBytesSeen.length,
      settingsRequests: requests.filter(r => r.method === 'GET' && SETTINGS_PATH.test(r.path)).length,
      preflights: requests.filter(r => r.method === 'OPTIONS').length,
      otherRequests: requests.filter(r => r.method !== 'OPTIONS' && !isTrackingPath(r.path) && !SETTINGS_PATH.test(r.path)).length,
      failed: requests.filter(r => r.status >= 400).length,
      events: messages.filter(m => m.type !== 'identify').length,
      identifies: messages.filter(m => m.type === 'identify').length,
      duplicates: messages.length - collector.distinctMessageIds().length,
      chunksFetched: server.served().filter(path => path.endsWith('.js')),
    };
  });
}

/**
 * Page clock minus Node's clock, in ms: the sample with the shortest round
 * trip, its page reading set against the midpoint of the Node readings.
 * @param {Page} page
 */
async function clockOffset(page) {
  let best = { roundTrip: Infinity, offset: 0 };
  for (let k = 0; k < 7; k++) {
    const before = Date.now();
    const pageNow = await page.evaluate(() => /** @type {BenchWindow} */ (window).bench.now());
    const after = Date.now();
    if (after - before < best.roundTrip) best = { roundTrip: after - before, offset: pageNow - (before + after) / 2 };
  }
  return best;
}

/**
 * Time from construction to the first event arriving at the collector. The
 * page is opened with ?autostart=, so it constructs the implementation while
 * its script runs (as an app does at startup) and captures one event at once;
 * it records the construction time on its own clock (timeOrigin + now). The
 * collector stamps the request's arrival on Node's clock; the two clocks are
 * the same system clock, and the residual offset is measured and removed.
 * @param {Browser} browser
 * @param {StaticServer} server
 * @param {Variant} variant
 */
export function firstEvent(browser, server, variant) {
  return scenario(browser, async ({ collector, page }) => {
    const query = new URLSearchParams({ autostart: JSON.stringify(variant.config(collector)), probe: 'first' });
    await page.goto(`${server.url}/${variant.page}/index.html?${query}`);
    await collector.waitFor(messages => messages.some(isProbe('first')), 20_000);
    // (both exist once the probe has arrived)
    const record = /** @type {import('../dev/collector/collector.mjs').MessageRecord} */ (collector.records().find(r => isProbe('first')(r.message)));
    const started = /** @type {{ timeOrigin: number, constructedAt: number }} */ (await page.evaluate(() => /** @type {BenchWindow} */ (window).bench.started));
    const { offset, roundTrip } = await clockOffset(page);
    const arrival = Date.parse(record.receivedAt) + offset; // on the page's clock
    return {
      fromConstructionMs: arrival - started.constructedAt,
      fromNavigationMs: arrival - started.timeOrigin,
      clockOffsetMs: offset,
      clockRoundTripMs: roundTrip,
    };
  });
}

/**
 * A burst: `count` events captured in one task once the library is loaded and
 * the user known. Reports how many arrived (distinct messageIds), the main
 * thread's busy time from the burst until the page is quiet (Chromium's
 * TaskDuration metric, minus the capture loop itself), per event; the time
 * from the burst to the last event's arrival; and the long tasks (over 50 ms)
 * after the capture loop.
 * @param {Browser} browser
 * @param {StaticServer} server
 * @param {Variant} variant
 * @param {number} count
 * @param {{ timeoutMs?: number, quietMs?: number }} [options]
 */
export function burstToQuiet(browser, server, variant, count, { timeoutMs = 240_000, quietMs = 1500 } = {}) {
  return scenario(browser, async ({ collector, context, page }) => {
    await openLoaded(page, server, collector, variant);
    await settle(collector, 400);
    collector.clear(); // the collector keeps 10,000 messages: room for the whole burst
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskSeconds = async () =>
      (await cdp.send('Performance.getMetrics')).metrics.find(m => m.name === 'TaskDuration')?.value ?? 0;
    await page.evaluate(() => {
      /** @type {BenchWindow} */ (window).__longTasks = [];
      new PerformanceObserver(list => /** @type {BenchWindow} */ (window).__longTasks.push(...list.getEntries().map(e => ({ start: e.startTime, ms: e.duration })))).observe({
        type: 'longtask',
      });
    });
    const before = 0;
    const busyBefore = await taskSeconds();
    const startedAt = Date.now();
    const loop = await page.evaluate(n => {
      const start = performance.now();
      /** @type {BenchWindow} */ (window).bench.capture(n, 0, 'burst');
      return { start, ms: performance.now() - start };
    }, count);
    const arrived = () => new Set(collector.messages().slice(before).map(m => m.messageId)).size;
    const deadline = Date.now() + timeoutMs;
    while (arrived() < count && Date.now() < deadline) await new Promise(r => setTimeout(r, 250));
    await settle(collector, quietMs);
    const records = collector.records().slice(before);
    const lastArrival = records.length ? Math.max(...records.map(r => Date.parse(r.receivedAt))) : startedAt;
    const busyMs = ((await taskSeconds()) - busyBefore) * 1000 - loop.ms;
    const longTasks = (await page.evaluate(() => /** @type {BenchWindow} */ (window).__longTasks)).filter(t => t.start > loop.start + loop.ms);
    return {
      delivered: arrived(),
      captureLoopMsPerEvent: loop.ms / count,
      busyMsPerEvent: busyMs / count,
      toQuietMs: lastArrival - startedAt,
      longTasks: longTasks.length,
      longestTaskMs: longTasks.reduce((max, t) => Math.max(max, t.ms), 0),
    };
  });
}
