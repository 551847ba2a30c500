// @ts-check
// End-to-end: a hidden tab the browser freezes and then discards (Chrome's
// Memory Saver, mobile browsers): no `pagehide`, no `unload`, so nothing
// that waits for them runs. Chromium is told to freeze the page over the
// DevTools protocol (`Page.setWebLifecycleState`: the page is hidden, then
// gets `freeze`, as from the browser), then its renderer is crashed (a
// discard runs no more of the page's code) and the tab opens the app again,
// in the same profile. With and without `batching`, the events the page still
// held (their requests refused during an outage) arrive, once each. A bare
// page (e2e/support/barePage.mjs): Playwright's own Chromium flags keep pages
// from being frozen. Every assertion is on the wire.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserMissing } from './support/browser.mjs';
import { openBarePage } from './support/barePage.mjs';
import { harnessesOfFile, serveHarnessApp } from './support/harness.mjs';
import { distinctIds, named } from './support/order.mjs';

const missing = browserMissing();
const { closeLater } = harnessesOfFile();
const EVENTS = 6;

/**
 * Opens the playground, signing in as guest when asked (the bare page accepts its dialog).
 * @param {import('./support/barePage.mjs').BarePage} page
 * @param {string} url
 */
async function openPlayground(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => [...document.querySelectorAll('button')].some(b => b.textContent?.trim() === 'Enter') ||
    Boolean(document.querySelector('[data-testid=second-link]')));
  await page.evaluate(() => [...document.querySelectorAll('button')].find(b => b.textContent?.trim() === 'Enter')?.click());
  await page.waitForFunction(() => Boolean(document.querySelector('[data-testid=second-link]')));
}

/**
 * Fires `EVENTS` playground events during an outage, waits until each has
 * been refused at least once, freezes the tab, crashes it (or, `resumed`,
 * makes it active again), ends the outage and opens the app again in that
 * tab; returns the events that arrived.
 * @param {{ batching?: object }} segment
 * @param {{ resumed?: boolean }} [how]
 */
async function frozenThen(segment, { resumed = false } = {}) {
  const { collector, app } = closeLater(await serveHarnessApp({ segment }));
  const page = closeLater(await openBarePage());
  await openPlayground(page, `${app.url}/playground`);
  await collector.waitFor(m => m.some(x => x.type === 'identify') && m.some(x => x.event === 'signIn'));
  collector.failFor(60_000, 503);
  await page.evaluate(count => {
    const button = /** @type {HTMLElement} */ (document.querySelector('[data-testid=fire-custom]'));
    for (let i = 0; i < count; i++) button.click();
  }, EVENTS);
  const refused = () => collector.requests().filter(r => r.status === 503).length;
  for (const deadline = Date.now() + 30_000; refused() < (segment.batching ? 1 : EVENTS) && Date.now() < deadline;) {
    await new Promise(r => setTimeout(r, 100));
  }
  assert.ok(refused() > 0, "the outage refused the page's requests");
  await page.send('Page.setWebLifecycleState', { state: 'frozen' });
  // What the page wrote to storage reaches the browser's process a moment later (a discard comes minutes after).
  await new Promise(r => setTimeout(r, 1000));
  if (resumed) {
    await page.send('Page.setWebLifecycleState', { state: 'active' });
    collector.failFor(0);
    // The page's own retries deliver them; the copies it stored as it froze are taken back.
    await collector.waitFor(m => distinctIds(named(m, 'deploy')) >= EVENTS, 30_000);
  } else {
    void page.send('Page.crash').catch(() => {}); // never answered: the renderer is gone
    await new Promise(r => setTimeout(r, 1000));
    collector.failFor(0);
  }
  await openPlayground(page, `${app.url}/playground`);
  await collector.waitFor(m => distinctIds(named(m, 'deploy')) >= EVENTS, 30_000).catch(() => []);
  await new Promise(r => setTimeout(r, 2000)); // anything sent twice would come now
  return named(collector.messages(), 'deploy');
}

describe('a tab frozen and then discarded, with no pagehide (Chromium, embedded collector)', { skip: missing }, () => {
  /** @type {Array<[string, { batching?: object }]>} */
  const configs = [['without batching', {}], ['with batching', { batching: { size: 20, timeoutMs: 500 } }]];
  for (const [name, segment] of configs) {
    it(`${name}: what it still held during an outage is sent by the next load, once each`, { timeout: 120_000 }, async () => {
      const deploys = await frozenThen(segment);
      assert.equal(distinctIds(deploys), EVENTS, 'every event arrived');
      assert.equal(deploys.length, EVENTS, 'none twice');
    });

    it(`${name}: resumed instead, the page delivers them itself and the next load sends none again`, { timeout: 120_000 }, async () => {
      const deploys = await frozenThen(segment, { resumed: true });
      assert.equal(distinctIds(deploys), EVENTS, 'every event arrived');
      assert.equal(deploys.length, EVENTS, 'none twice');
    });
  }
});
