// @ts-check
// End-to-end: `batching` ({ size, timeoutMs }) in the dev harness in headless
// Chromium against the embedded collector: a burst goes out in batches of the
// size asked for, the rest after the timeout; leaving the page in the same task
// as a capture sends it without coming back; a tab hidden and shown again sends
// what the batcher held at once, once; leaving with more than the browser's
// 64 KB keepalive budget held by the batcher loses nothing once the app is
// loaded again.
// Every assertion is on what arrived on the wire.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserMissing } from './support/browser.mjs';
import { TESTS_AT_ONCE, harnessesOfFile, signInIfAsked } from './support/harness.mjs';
import { distinctIds, named } from './support/order.mjs';
import { outsideSite } from './support/outsideSite.mjs';

const GUEST = 'user:default/guest';
const BATCHING = { size: 20, timeoutMs: 1000 };
const missing = browserMissing();

const { harness, closeLater } = harnessesOfFile();


/** How many copies of each messageId arrived. @param {Record<string, any>[]} messages */
function copiesById(messages) {
  /** @type {Map<string, number>} */
  const copies = new Map();
  for (const m of messages) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
  return copies;
}

/** `{ copies: how many ids }`, e.g. `{ 1: 250, 2: 49, 3: 1 }`. @param {Map<string, number>} copies */
function histogram(copies) {
  /** @type {Record<number, number>} */
  const counts = {};
  for (const n of copies.values()) counts[n] = (counts[n] ?? 0) + 1;
  return counts;
}

/**
 * Clicks a playground button `times` times in one task, then, when `leaveTo` is given, leaves to that URL in
 * that same task. Resolves with the page's clock (epoch ms) just before the first click.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 * @param {number} times
 * @param {string} [leaveTo]
 */
function fireInOneTask(page, name, times, leaveTo) {
  return page.evaluate(
    ([testId, count, next]) => {
      const button = /** @type {HTMLElement} */ (document.querySelector(`[data-testid=fire-${testId}]`));
      const capturedAt = Date.now();
      for (let i = 0; i < Number(count); i++) button.click();
      if (next) location.href = String(next);
      return capturedAt;
    },
    [name, String(times), leaveTo ?? ''],
  );
}

/**
 * Waits until nothing new has arrived for longer than the batch timeout: the batcher's buffer is then empty,
 * so what a test captures next is batched on its own. `first` says what must have arrived before.
 * @param {import('../dev/collector/collector.mjs').Collector} collector
 * @param {(messages: Record<string, any>[]) => unknown} [first]
 */
async function quiet(collector, first = () => true) {
  await collector.waitFor(first, 30000);
  for (let seen = -1, deadline = Date.now() + 30000; seen !== collector.messages().length; ) {
    if (Date.now() > deadline) throw new Error('the collector never went quiet');
    seen = collector.messages().length;
    await new Promise(later => setTimeout(later, BATCHING.timeoutMs + 500));
  }
}

/**
 * The tab hidden, then shown again, as a tab switch tells the page (`visibilitychange` twice).
 * @param {import('playwright-core').Page} page
 */
function hideAndShow(page) {
  return page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    delete (/** @type {{ visibilityState?: string }} */ (/** @type {unknown} */ (document))).visibilityState;
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

/** The app's start: the session's identify, the first page call and the guest's signIn. @param {Record<string, any>[]} m */
const started = m => m.some(x => x.type === 'identify') && m.some(x => x.type === 'page') && m.some(x => x.event === 'signIn');

/**
 * The batch requests (`POST /v1/b`) a browser's request log shows, each with its body's `sentAt` and messages.
 * @param {{ url: string, method: string, body: string }[]} requests
 * @param {string} collectorUrl
 * @returns {{ sentAt: string, messages: Record<string, any>[] }[]}
 */
function batchesSent(requests, collectorUrl) {
  return requests
    .filter(r => r.method === 'POST' && r.url === `${collectorUrl}/v1/b`)
    .map(r => {
      const body = JSON.parse(r.body);
      return { sentAt: body.sentAt, messages: body.batch };
    });
}

describe('batching (Chromium, embedded collector)', { skip: missing, concurrency: TESTS_AT_ONCE }, () => {
  it('45 events captured in one task go out in batches of 20, 20, then the remaining 5 after the timeout, each once', async t => {
    const h = await harness({ segment: { batching: BATCHING } });
    // The library is loaded, the user known, and the batcher's buffer empty.
    await quiet(h.collector, started);
    const logged = h.browser.requests.length;
    const capturedAt = await fireInOneTask(h.page, 'custom', 45);
    await h.collector.waitFor(m => distinctIds(named(m, 'deploy')) >= 45, 20000);
    await h.page.waitForTimeout(BATCHING.timeoutMs + 1000); // time for a duplicate or a straggler to show up
    const records = h.collector.records().filter(r => r.message.event === 'deploy');
    const batches = batchesSent(h.browser.requests.slice(logged), h.collector.url).filter(b => b.messages.some(m => m.event === 'deploy'));

    await t.test('every event arrived exactly once, in requests to the batch endpoint', () => {
      const copies = copiesById(records.map(r => r.message));
      assert.equal(copies.size, 45, 'distinct messageIds');
      assert.deepEqual(histogram(copies), { 1: 45 }, 'copies per messageId');
      assert.deepEqual([...new Set(records.map(r => r.path))], ['/v1/b']);
      for (const r of records) assert.equal(r.message.userId, GUEST);
    });

    await t.test('the batches are 20, 20 (when full), then 5 (on the timer), with nothing else in them', () => {
      const what = batches.map(b => `${b.messages.length} sent at ${b.sentAt}`).join('; ');
      assert.deepEqual(batches.map(b => b.messages.length), [20, 20, 5], `batches (captured at ${new Date(capturedAt).toISOString()}): ${what}`);
      for (const b of batches) assert.deepEqual([...new Set(b.messages.map(m => m.event))], ['deploy'], `a batch of ${b.messages.length} holds other calls`);
      const inBatches = batches.flatMap(b => b.messages.map(m => m.messageId));
      assert.deepEqual([...inBatches].sort(), records.map(r => r.message.messageId).sort(), 'the batches sent are what arrived');
      // Full batches go out at once; the last waits for the batcher's timer, which the burst's first event started.
      const after = (/** @type {{ sentAt: string }} */ b) => Date.parse(b.sentAt) - capturedAt;
      assert.ok(after(batches[0]) < BATCHING.timeoutMs && after(batches[1]) < BATCHING.timeoutMs, `full batches sent at once: ${what}`);
      assert.ok(after(batches[2]) >= BATCHING.timeoutMs, `the last batch waited for the timeout: ${what}`);
      // Three batch requests in all reached the collector while the burst went out.
      assert.equal(h.collector.requests().filter(r => r.path === '/v1/b' && r.status === 200 && Date.parse(r.receivedAt) >= capturedAt).length, 3);
    });
  });

  it('events captured (fewer than a batch) in the same task as a navigation to another site arrive, once, without coming back', async () => {
    const site = await outsideSite(closeLater);
    const h = await harness({ segment: { batching: BATCHING } });
    await quiet(h.collector, started);
    await fireInOneTask(h.page, 'custom', 3, site.url);
    await h.page.waitForSelector('#away');
    await h.collector.waitFor(m => distinctIds(named(m, 'deploy')) >= 3, 15000);
    await h.page.waitForTimeout(BATCHING.timeoutMs + 1000); // time for a duplicate to show up
    assert.ok(h.page.url().startsWith(site.url), `the page stayed away: ${h.page.url()}`);
    const records = h.collector.records().filter(r => r.message.event === 'deploy');
    assert.deepEqual(histogram(copiesById(records.map(r => r.message))), { 1: 3 }, 'copies per messageId: each of the 3 arrived, once');
    assert.deepEqual([...new Set(records.map(r => r.path))], ['/v1/b']);
    for (const r of records) assert.equal(r.message.userId, GUEST);
  });

  it('a tab hidden and shown again: what the batcher held goes out at once, once; what follows is batched as before', async () => {
    const h = await harness({ segment: { batching: BATCHING } });
    await quiet(h.collector, started);
    const capturedAt = await h.page.evaluate(() => {
      const button = /** @type {HTMLElement} */ (document.querySelector('[data-testid=fire-custom]'));
      const at = Date.now();
      for (let i = 0; i < 5; i++) button.click();
      return at;
    });
    await h.page.waitForTimeout(300); // handed over: in the batcher, waiting for its timer
    await hideAndShow(h.page);
    await h.collector.waitFor(m => distinctIds(named(m, 'deploy')) >= 5, 10000);
    const firstArrival = Math.min(...h.collector.records().filter(r => r.message.event === 'deploy').map(r => Date.parse(r.receivedAt)));
    assert.ok(firstArrival - capturedAt < BATCHING.timeoutMs, `sent when hidden, not on the batch's timer (${firstArrival - capturedAt} ms)`);
    const logged = h.browser.requests.length;
    await fireInOneTask(h.page, 'custom', 25);
    await h.collector.waitFor(m => distinctIds(named(m, 'deploy')) >= 30, 10000);
    await h.page.waitForTimeout(BATCHING.timeoutMs + 1000); // time for a second copy to show up
    const records = h.collector.records().filter(r => r.message.event === 'deploy');
    assert.deepEqual(histogram(copiesById(records.map(r => r.message))), { 1: 30 }, 'copies per messageId');
    const after = batchesSent(h.browser.requests.slice(logged), h.collector.url).filter(b => b.messages.some(m => m.event === 'deploy'));
    assert.deepEqual(after.map(b => b.messages.length), [20, 5], 'the batches after the tab came back');
  });

  it('after 12 tab switches with events each time, what the batcher holds when the tab is closed still arrives, at once', async () => {
    // Each hide sends what the batcher holds with keepalive; the browser counts those bodies against the page's
    // 64 KB until their answers are read (about 14 KB a switch here): unread, the allowance ran out for good.
    const CYCLES = 12;
    const h = await harness({ segment: { batching: BATCHING, extraProperties: { pad: 'x'.repeat(2048) } } });
    await quiet(h.collector, started);
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      await fireInOneTask(h.page, 'custom', 5);
      await h.page.waitForTimeout(300); // handed over, in the batcher
      await hideAndShow(h.page);
      await h.collector.waitFor(m => distinctIds(named(m, 'deploy')) >= 5 * cycle, 10000);
    }
    await fireInOneTask(h.page, 'custom', 5);
    await h.page.waitForTimeout(300);
    await Promise.all([h.page.waitForEvent('close'), h.page.close({ runBeforeUnload: true })]);
    const all = 5 * (CYCLES + 1);
    const messages = await h.collector.waitFor(m => distinctIds(named(m, 'deploy')) >= all, 10000).catch(() => h.collector.messages());
    assert.equal(distinctIds(named(messages, 'deploy')), all, 'the last five arrived as the tab closed, with no next load');
  });

  it('events the batcher holds while the browser is offline, longer than the batch window, are sent by the next load when the tab is closed', async () => {
    const h = await harness({ segment: { batching: BATCHING } });
    await quiet(h.collector, started);
    await h.browser.context.setOffline(true);
    await fireInOneTask(h.page, 'custom', 3);
    // Past the batch timeout plus 10 s: the batcher still holds them, waiting for the network.
    await h.page.waitForTimeout(BATCHING.timeoutMs + 12000);
    assert.equal(named(h.collector.messages(), 'deploy').length, 0, 'nothing could be sent offline');
    const next = await h.browser.context.newPage();
    // Closed (its pagehide run) while still offline; back online once it is gone (a page still closing would
    // make setOffline fail).
    await Promise.all([h.page.waitForEvent('close'), h.page.close({ runBeforeUnload: true })]);
    await h.browser.context.setOffline(false);
    await next.goto(`${h.app.url}/playground`);
    await signInIfAsked(next);
    const messages = await h.collector.waitFor(m => distinctIds(named(m, 'deploy')) >= 3, 20000).catch(() => h.collector.messages());
    assert.equal(distinctIds(named(messages, 'deploy')), 3, 'the three events, sent by the next load');
    for (const m of named(messages, 'deploy')) assert.equal(m.userId, GUEST);
  });

  it('warns once, naming the endpoint, when batches cannot be delivered, also with a batch timeout of several seconds', async () => {
    const endpoint = 'http://127.0.0.1:9/v1'; // nothing listens on the discard port
    /** @type {string[]} */
    const warnings = [];
    const h = await harness({ segment: { apiHost: endpoint, batching: { size: 3, timeoutMs: 5000 } } });
    h.page.on('console', m => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await fireInOneTask(h.page, 'custom', 3);
    const deadline = Date.now() + 20000;
    while (!warnings.some(w => w.includes('cannot be delivered')) && Date.now() < deadline) await h.page.waitForTimeout(250);
    await h.page.waitForTimeout(2000); // time for a second warning to show up
    const failing = warnings.filter(w => w.includes('cannot be delivered'));
    assert.equal(failing.length, 1, warnings.join('\n'));
    assert.ok(failing[0].includes(endpoint), failing[0]);
  });

  it('events a load took from storage and was left with for good, undelivered (Segment failing): the next load sends them at once', async () => {
    // Each load claims what it takes from storage (so that two tabs opening at once never both send it), and
    // that claim keeps other loads off for a minute in case the taker dies before sending: a load left for
    // good gives its claim up with the events it stores again.
    const site = await outsideSite(closeLater);
    const h = await harness({ segment: { batching: BATCHING } });
    await quiet(h.collector, started);
    h.collector.failFor(120000, 503);
    await fireInOneTask(h.page, 'custom', 10);
    await h.page.waitForTimeout(500);
    await h.page.goto(site.url); // stored by this load: it could not deliver them
    await h.page.goto(`${h.app.url}/playground`);
    await signInIfAsked(h.page);
    await h.page.waitForTimeout(3000); // taken by this load, handed to its batcher, refused by Segment
    await h.page.goto(site.url);
    assert.equal(named(h.collector.messages(), 'deploy').length, 0, 'Segment refused every request so far');
    h.collector.failFor(0);
    await h.page.goto(`${h.app.url}/playground`);
    await signInIfAsked(h.page);
    const messages = await h.collector.waitFor(m => distinctIds(named(m, 'deploy')) >= 10, 20000).catch(() => h.collector.messages());
    assert.equal(distinctIds(named(messages, 'deploy')), 10, 'the ten events, sent by the third load without waiting for the claim to lapse');
  });

  it('more than 64 KB in the batcher when the page is left for good (not in the same task): sent by the next load', async () => {
    // Big batches of big events: 60 of them (about 130 KB) wait in the batcher for its timer when the page goes.
    // The batcher then sends what it holds, with keepalive only within the browser's 64 KB budget, the rest
    // without (cancelled with the page): the module keeps a copy of what it handed over lately, and the next
    // load resends it.
    const COUNT = 60;
    const site = await outsideSite(closeLater);
    const h = await harness({ segment: { batching: { size: 100, timeoutMs: 5000 }, extraProperties: { pad: 'x'.repeat(1024) } } });
    await quiet(h.collector, started);
    await fireInOneTask(h.page, 'custom', COUNT);
    await h.page.waitForTimeout(500); // handed over, in the batcher's buffer
    await h.page.goto(site.url);
    await h.page.waitForTimeout(500);
    const atExit = distinctIds(named(h.collector.messages(), 'deploy'));
    await h.page.goto(`${h.app.url}/playground`);
    await signInIfAsked(h.page);
    const messages = await h.collector.waitFor(m => distinctIds(named(m, 'deploy')) >= COUNT, 20000).catch(() => h.collector.messages());
    const deploys = named(messages, 'deploy');
    assert.equal(distinctIds(deploys), COUNT, `every event arrived once the app was loaded again (${atExit} of them at exit)`);
    for (const m of deploys) assert.equal(m.userId, GUEST);
  });
});
