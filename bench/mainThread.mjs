// @ts-check
// Main-thread time per delivered event: what a page pays, all told (the
// implementation, the Segment library, its storage and requests), for a run
// of events captured in one task once the library is loaded and the user
// known. The figure issue 19 is about; bench/profile.mjs shows where it goes.
import { openLoaded, scenario } from './measure.mjs';

/** @typedef {import('./measure.mjs').Variant} Variant */
/** @typedef {import('./measure.mjs').BenchWindow} BenchWindow */
/** @typedef {import('../dev/collector/collector.mjs').Collector} Collector */

/** Waits until the collector has seen no request for `quietMs`. @param {Collector} collector @param {number} quietMs */
export async function quiet(collector, quietMs) {
  let count = -1;
  while (count !== collector.requests().length) {
    count = collector.requests().length;
    await new Promise(resolve => setTimeout(resolve, quietMs));
  }
}

/**
 * `count` events captured in one task; main-thread time (Chromium's
 * `TaskDuration`, the capture loop included) from just before the loop until
 * every event has arrived and the collector has been quiet for `quietMs`
 * (longer than a batching time-out), divided by the events delivered.
 * @param {import('playwright-core').Browser} browser
 * @param {Awaited<ReturnType<typeof import('./serve.mjs').startStaticServer>>} server
 * @param {Variant} variant
 * @param {number} count
 */
export function mainThreadPerEvent(browser, server, variant, count, { timeoutMs = 180_000, quietMs = 1500 } = {}) {
  return scenario(browser, async ({ collector, context, page }) => {
    await openLoaded(page, server, collector, variant);
    await quiet(collector, quietMs);
    collector.clear();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskMs = async () => ((await cdp.send('Performance.getMetrics')).metrics.find(m => m.name === 'TaskDuration')?.value ?? 0) * 1000;
    const before = await taskMs();
    const startedAt = Date.now();
    await page.evaluate(n => /** @type {BenchWindow} */ (window).bench.capture(n, 0, 'main-thread'), count);
    const delivered = () => new Set(collector.messages().filter(m => m.type !== 'identify').map(m => m.messageId)).size;
    const deadline = Date.now() + timeoutMs;
    while (delivered() < count && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
    const deliveredAt = Date.now();
    await quiet(collector, quietMs);
    const busyMs = (await taskMs()) - before;
    const requests = collector.requests().filter(r => r.method === 'POST').length;
    return { delivered: delivered(), busyMsPerEvent: busyMs / Math.max(1, delivered()), toDeliveredMs: deliveredAt - startedAt, requests };
  });
}
