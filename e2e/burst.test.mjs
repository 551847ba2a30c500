// @ts-check
// End-to-end: a 10,000-event burst captured in one task, in the dev harness in
// headless Chromium against the embedded collector: every event arrives and
// the page stays responsive. The suite's longest test: on its own in this file
// so that it runs beside the others, and on a bare page (support/barePage.mjs):
// Playwright's bookkeeping of 10,000 requests would double its CPU time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openBarePage } from './support/barePage.mjs';
import { browserMissing } from './support/browser.mjs';
import { harnessesOfFile, serveHarnessApp } from './support/harness.mjs';

const missing = browserMissing();

const { closeLater } = harnessesOfFile();

/**
 * How long deliveries may stop before the test fails. The library waits
 * 0.5-1 s x 2^n before the n-th retry of a call, and on a machine short of
 * CPU or memory a request can fail more than once (the collector answers 408
 * to a body that has not arrived within 10 s): 120 s covers a call's seventh
 * retry. A 30 s window failed a fresh-clone run on a newly booted, swapping
 * machine with 53 of 10,000 calls still to come.
 */
const STALL_MS = 120_000;

/** How many requests the collector answered with each status, for a failure message. @param {{ status?: number }[]} requests */
function statusCounts(requests) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const r of requests) counts[String(r.status ?? 'none')] = (counts[String(r.status ?? 'none')] ?? 0) + 1;
  return JSON.stringify(counts);
}

/** Distinct messageIds of the `not-found` events. @param {Record<string, any>[]} messages */
const notFoundIds = messages => new Set(messages.filter(m => m.event === 'not-found').map(m => m.messageId)).size;

describe('a burst (Chromium, embedded collector)', { skip: missing }, () => {
  // The time limit only stops a test that is making progress too slowly to be useful.
  it('10,000 events captured in one task all arrive, and the page stays responsive', { timeout: 900_000 }, async () => {
    const { collector, app } = closeLater(await serveHarnessApp());
    const page = closeLater(await openBarePage());
    await page.goto(`${app.url}/playground`);
    // The guest sign-in (its dialog is accepted), as startHarness does.
    await page.waitForFunction(() => [...document.querySelectorAll('button')].some(b => b.textContent?.trim() === 'Enter'));
    await page.evaluate(() => [...document.querySelectorAll('button')].find(b => b.textContent?.trim() === 'Enter')?.click());
    await page.waitForFunction(() => Boolean(document.querySelector('[data-testid=second-link]')));
    await collector.waitFor(m => m.some(x => x.type === 'identify') && m.some(x => x.type === 'page'));
    await new Promise(settle => setTimeout(settle, 500));
    collector.clear();
    await page.evaluate(() => {
      const w = /** @type {any} */ (window);
      w.__gaps = [];
      let last = performance.now();
      const tick = () => {
        const now = performance.now();
        w.__gaps.push(now - last);
        last = now;
        if (w.__gaps.length < 100000) setTimeout(tick, 0);
      };
      setTimeout(tick, 0);
    });
    // 10,000 clicks of the playground's not-found button in one task.
    await page.evaluate(() => {
      const button = /** @type {HTMLElement} */ (document.querySelector('[data-testid=fire-not-found]'));
      for (let i = 0; i < 10_000; i++) button.click();
    });
    // Until all have arrived, for as long as they keep arriving: a loaded machine may take minutes, a
    // stalled delivery fails STALL_MS after its last arrival. (The length test first: the predicate runs
    // on every request the collector takes.)
    /** @type {Record<string, any>[]} */
    let messages = [];
    for (let arrived = 0; messages.length === 0; ) {
      try {
        messages = await collector.waitFor(m => m.length >= 10_000 && notFoundIds(m) >= 10_000, STALL_MS);
      } catch (stalled) {
        const now = notFoundIds(collector.messages());
        if (now === arrived) throw new Error(`${/** @type {Error} */ (stalled).message}\nrequests by status: ${statusCounts(collector.requests())}`);
        arrived = now;
      }
    }
    assert.equal(notFoundIds(messages), 10_000);
    const gaps = /** @type {number[]} */ (await page.evaluate(() => /** @type {any} */ (window).__gaps));
    // The first gap holds the test's own 10,000 clicks; after it, the page got a turn
    // every few milliseconds (generous: a loaded CI machine).
    const longest = Math.max(...gaps.slice(2));
    console.log(`burst: longest gap between page turns after the capture loop: ${longest.toFixed(1)} ms`);
    // Loose on purpose (a loaded 2-core CI machine stalls whole processes); the
    // benchmark measures the long tasks, the unit tests the slice size.
    assert.ok(longest < 5000, `the page was unresponsive for ${longest} ms`);
  });
});
