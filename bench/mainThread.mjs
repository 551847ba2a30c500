// @ts-check
// Main-thread time per delivered event: what a page pays, all told (the
// implementation, the Segment library, its storage and requests), for a run
// of events captured in one task once the library is loaded and the user
// known. The figure issue 19 is about; bench/profile.mjs shows where it goes.
// Measured twice: on a Playwright page (as every other scenario), and on a
// bare page that nothing but the DevTools protocol's Page, Runtime and
// Performance domains drives (e2e/support/barePage.mjs), as in a user's
// browser: Playwright follows every request a page makes, which adds
// main-thread time to each request of every implementation alike.
import { bareScenario, openLoaded, scenario } from './measure.mjs';

/** @typedef {import('./measure.mjs').Variant} Variant */
/** @typedef {import('./measure.mjs').BenchWindow} BenchWindow */
/** @typedef {import('../dev/collector/collector.mjs').Collector} Collector */
/** @typedef {Awaited<ReturnType<typeof import('./serve.mjs').startStaticServer>>} StaticServer */
/** @typedef {{ timeoutMs?: number, quietMs?: number }} Waits */

/** Waits until the collector has seen no request for `quietMs`. @param {Collector} collector @param {number} quietMs */
export async function quiet(collector, quietMs) {
  let count = -1;
  while (count !== collector.requests().length) {
    count = collector.requests().length;
    await new Promise(resolve => setTimeout(resolve, quietMs));
  }
}

/**
 * Once the library is loaded: `count` events captured in one task; main-thread
 * time (Chromium's `TaskDuration`, the capture loop included) from just before
 * the loop until every event has arrived and the collector has been quiet for
 * `quietMs` (longer than a batching time-out), divided by the events delivered.
 * @param {Collector} collector
 * @param {{ capture: (count: number) => Promise<unknown>, taskMs: () => Promise<number> }} page
 * @param {number} count
 * @param {Waits} waits
 */
async function measure(collector, page, count, { timeoutMs = 180_000, quietMs = 1500 }) {
  await quiet(collector, quietMs);
  collector.clear();
  const before = await page.taskMs();
  const startedAt = Date.now();
  await page.capture(count);
  const delivered = () => new Set(collector.messages().filter(m => m.type !== 'identify').map(m => m.messageId)).size;
  const deadline = Date.now() + timeoutMs;
  while (delivered() < count && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
  const deliveredAt = Date.now();
  await quiet(collector, quietMs);
  const busyMs = (await page.taskMs()) - before;
  const requests = collector.requests().filter(r => r.method === 'POST').length;
  return { delivered: delivered(), busyMsPerEvent: busyMs / Math.max(1, delivered()), toDeliveredMs: deliveredAt - startedAt, requests };
}

/** `TaskDuration` in ms from a `Performance.getMetrics` result. @param {{ metrics: Array<{ name: string, value: number }> }} result */
const taskDurationMs = result => (result.metrics.find(m => m.name === 'TaskDuration')?.value ?? 0) * 1000;

/** Captures `count` events in one task, tagged for the main-thread scenario. @param {number} count */
const captureInPage = count => /** @type {BenchWindow} */ (window).bench.capture(count, 0, 'main-thread');

/**
 * The figure on a Playwright page (a fresh context of `browser`).
 * @param {import('playwright-core').Browser} browser
 * @param {StaticServer} server
 * @param {Variant} variant
 * @param {number} count
 * @param {Waits} [waits]
 */
export function mainThreadPerEvent(browser, server, variant, count, waits = {}) {
  return scenario(browser, async ({ collector, context, page }) => {
    await openLoaded(page, server, collector, variant);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    return measure(collector, {
      capture: n => page.evaluate(captureInPage, n),
      taskMs: async () => taskDurationMs(await cdp.send('Performance.getMetrics')),
    }, count, waits);
  });
}

/**
 * The figure on a bare page (see `bareScenario`), with the Performance
 * domain besides.
 * @param {StaticServer} server
 * @param {Variant} variant
 * @param {number} count
 * @param {Waits} [waits]
 */
export function mainThreadPerEventBare(server, variant, count, waits = {}) {
  return bareScenario(server, variant, async ({ collector, page }) => {
    await page.send('Performance.enable');
    return measure(collector, {
      capture: n => page.evaluate(captureInPage, n),
      taskMs: async () => taskDurationMs(await page.send('Performance.getMetrics')),
    }, count, waits);
  });
}
