// The measurements. Each scenario gets its own collector and a fresh browser
// context, so nothing (queued requests, storage, connections) leaks from one
// into the next.
import { startCollector } from '../dev/collector/collector.mjs';
import { isTrackingPath } from '../dev/collector/validate.mjs';
import { median, quantile } from './stats.mjs';

const WRITE_KEY = 'bench-write-key';
const SETTINGS_PATH = /^\/v1\/projects\/[^/]+\/settings\/?$/;

/** The implementations and configurations compared; `config` gets the scenario's collector. */
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
  },
  'module-local': {
    page: 'module',
    label: 'module, cdnSettings local',
    config: c => ({ ...VARIANTS.module.config(c), cdnSettings: 'local' }),
  },
  naive: {
    page: 'naive',
    label: 'naive',
    config: c => ({ writeKey: WRITE_KEY, cdnURL: c.url }),
  },
};

const isProbe = subject => message => message.type === 'track' && message.properties?.subject === subject;

/**
 * Runs `fn` with a fresh collector, browser context and page; counts every
 * request the page makes to anything but 127.0.0.1 (there must be none).
 */
async function scenario(browser, fn) {
  const collector = await startCollector();
  const context = await browser.newContext();
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

/** Opens the variant's page and constructs the implementation; waits until a first event has arrived. */
async function openLoaded(page, server, collector, variant) {
  await page.goto(`${server.url}/${variant.page}/index.html`);
  await page.evaluate(config => {
    window.bench.create(config);
    window.bench.probe('ready');
  }, variant.config(collector));
  await collector.waitFor(messages => messages.some(isProbe('ready')), 20_000);
}

/**
 * Cost of captureEvent on the calling thread, in milliseconds per event:
 * median and p95 over the groups of one run. Measured once the library has
 * loaded and delivered a first event, for both implementations.
 */
export function captureCost(browser, server, variant, { warmup, events, groupSize }) {
  return scenario(browser, async ({ collector, page }) => {
    await openLoaded(page, server, collector, variant);
    const timing = await page.evaluate(
      ([w, e, g]) => window.bench.timeCapture(w, e, g),
      [warmup, events, groupSize],
    );
    const info = await page.evaluate(() => window.bench.info());
    return { median: median(timing.perEventMs), p95: quantile(timing.perEventMs, 0.95), groups: timing.perEventMs.length, ...info };
  });
}

/** Waits until the collector has seen no request for `quietMs`. */
async function settle(collector, quietMs) {
  let count = -1;
  while (count !== collector.requests().length) {
    count = collector.requests().length;
    await new Promise(resolve => setTimeout(resolve, quietMs));
  }
}

/**
 * Requests and bytes for `count` events captured in one burst after
 * construction: what the collector received (request bodies), plus what the
 * browser reports sending (headers included), plus the JS chunks it fetched.
 */
export function wire(browser, server, variant, count) {
  return scenario(browser, async ({ collector, context, page }) => {
    const sizes = [];
    context.on('requestfinished', request => {
      if (request.url().startsWith(collector.url)) sizes.push(request.sizes().then(s => ({ url: request.url(), ...s })));
    });
    await page.goto(`${server.url}/${variant.page}/index.html`);
    server.clearServed();
    await page.evaluate(([config, n]) => {
      window.bench.create(config);
      window.bench.capture(n, 0, 'wire');
    }, [variant.config(collector), count]);
    await collector.waitFor(messages => messages.filter(m => m.type !== 'identify').length >= count, 20_000);
    await settle(collector, 1200); // longer than the batching timeout
    const requests = collector.requests();
    const tracking = requests.filter(r => r.method === 'POST' && isTrackingPath(r.path));
    const messages = collector.messages();
    const browserSizes = await Promise.all(sizes);
    const trackingSizes = browserSizes.filter(s => isTrackingPath(new URL(s.url).pathname));
    return {
      trackingRequests: tracking.length,
      trackingBodyBytes: tracking.reduce((sum, r) => sum + r.bodyBytes, 0),
      trackingHeaderBytes: trackingSizes.reduce((sum, s) => sum + s.requestHeadersSize, 0),
      settingsRequests: requests.filter(r => r.method === 'GET' && SETTINGS_PATH.test(r.path)).length,
      preflights: requests.filter(r => r.method === 'OPTIONS').length,
      otherRequests: requests.filter(r => r.method !== 'OPTIONS' && !isTrackingPath(r.path) && !SETTINGS_PATH.test(r.path)).length,
      failed: requests.filter(r => r.status >= 400).length,
      events: messages.filter(m => m.type !== 'identify').length,
      identifies: messages.filter(m => m.type === 'identify').length,
      duplicates: messages.length - collector.distinctMessageIds().length,
      lazyChunksFetched: server.served().filter(path => path.endsWith('.js')),
    };
  });
}

/**
 * Page clock minus Node's clock, in ms: the sample with the shortest round
 * trip, its page reading set against the midpoint of the Node readings.
 */
async function clockOffset(page) {
  let best;
  for (let k = 0; k < 7; k++) {
    const before = Date.now();
    const pageNow = await page.evaluate(() => window.bench.now());
    const after = Date.now();
    if (!best || after - before < best.roundTrip) best = { roundTrip: after - before, offset: pageNow - (before + after) / 2 };
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
 */
export function firstEvent(browser, server, variant) {
  return scenario(browser, async ({ collector, page }) => {
    const query = new URLSearchParams({ autostart: JSON.stringify(variant.config(collector)), probe: 'first' });
    await page.goto(`${server.url}/${variant.page}/index.html?${query}`);
    await collector.waitFor(messages => messages.some(isProbe('first')), 20_000);
    const record = collector.records().find(r => isProbe('first')(r.message));
    const started = await page.evaluate(() => window.bench.started);
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
