// @ts-check
// End-to-end: a page the back/forward cache keeps. A user clicks, in the
// same task, something that sends an event and a link to another site, comes
// back with Back (the page restored, not reloaded), twice; then closes the
// tab and opens the app again. Each event arrives once: not again from the
// copies the page stored as it went (taken back when it was shown again), nor
// from the library's persisted queue (which holds the requests that were on
// their way as the page went, and were answered once it came back).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { browserMissing } from './support/browser.mjs';
import { harnessesOfFile, signInIfAsked } from './support/harness.mjs';

const missing = browserMissing();
const { harness, closeLater } = harnessesOfFile();
const ROUNDS = 2;
const PER_ROUND = 5;

/** Another site: one page, on a port of its own. */
async function elsewhere() {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><title>Elsewhere</title><p id="away">elsewhere</p>');
  });
  await new Promise(listening => server.listen(0, '127.0.0.1', () => listening(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise(closed => {
      server.closeAllConnections();
      server.close(() => closed(undefined));
    }),
  };
}

/** Counts every page restored from the back/forward cache in `window.__restored`. */
const countRestores = {
  script: () => {
    /** @type {any} */ (window).__restored = 0;
    addEventListener('pageshow', event => {
      if (event.persisted) /** @type {any} */ (window).__restored++;
    });
  },
};

describe('a page kept in the back/forward cache (Chromium, embedded collector)', { skip: missing }, () => {
  for (const [mode, segment] of /** @type {const} */ ([
    ['standard delivery', {}],
    ['batching', { batching: { size: 20, timeoutMs: 1000 } }],
  ])) {
    it(`${mode}: events captured as the page went, ${ROUNDS} round trips, then the tab closed and the app opened again: each arrives once`, async () => {
      const site = closeLater(await elsewhere());
      const { page, collector, browser } = await harness({ segment, backForwardCache: true, init: countRestores });
      await collector.waitFor(m => m.some(x => x.type === 'identify'), 30_000);
      for (let round = 1; round <= ROUNDS; round++) {
        await page.evaluate(
          ([url, times]) => {
            const fire = /** @type {HTMLElement} */ (document.querySelector('[data-testid=fire-custom]'));
            for (let i = 0; i < Number(times); i++) fire.click();
            location.href = String(url);
          },
          [site.url, PER_ROUND],
        );
        await page.waitForSelector('#away');
        await page.waitForTimeout(500);
        await page.goBack({ waitUntil: 'commit' });
        await page.waitForSelector('[data-testid=fire-custom]');
        assert.equal(await page.evaluate(() => /** @type {any} */ (window).__restored), round, 'restored from the back/forward cache, not reloaded');
        await page.waitForTimeout(1500);
      }
      const deploys = () => collector.messages().filter(m => m.event === 'deploy');
      await collector.waitFor(() => new Set(deploys().map(m => m.messageId)).size === ROUNDS * PER_ROUND, 20_000);
      await page.close({ runBeforeUnload: true });
      const next = await browser.context.newPage();
      await next.goto(new URL('/playground', page.url()).href);
      await signInIfAsked(next);
      // The next load has sent what it found by the time its own start page arrives, and a moment after.
      await collector.waitFor(m => m.filter(x => x.type === 'identify').length >= 2, 20_000);
      await next.waitForTimeout(3000);
      const copies = new Map();
      for (const { messageId } of deploys()) copies.set(messageId, (copies.get(messageId) ?? 0) + 1);
      assert.equal(copies.size, ROUNDS * PER_ROUND);
      assert.deepEqual([...copies.values()].filter(n => n > 1), [], 'no event arrived twice');
    });
  }
});
