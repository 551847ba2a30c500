// @ts-check
// End-to-end: the user's own choice in headless Chromium, on the dev app's
// "Usage analytics" card (the same card as the settings page's), sending to
// the embedded collector. Assertions on what the browser sent and what it keeps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserMissing } from './support/browser.mjs';
import { TESTS_AT_ONCE, harnessesOfFile, signInIfAsked } from './support/harness.mjs';
import { logShowsSent, sentCalls } from './support/order.mjs';

const missing = browserMissing();
const { harness } = harnessesOfFile();

/** @typedef {Awaited<ReturnType<typeof harness>>} Harness */

/**
 * Requests the page made to the collector's Segment endpoints so far (settings and tracking, all under
 * /v1; the dev app's own view of received events polls elsewhere).
 * @param {Harness} h
 */
const toCollector = h => h.browser.requests.filter(r => r.url.startsWith(`${h.collector.url}/v1/`));

/** What the module or the library left in the browser: localStorage keys, IndexedDB databases and cookies. @param {Harness} h */
async function leftInBrowser(h) {
  const keys = await h.page.evaluate(async () => [
    ...Object.keys(localStorage).filter(k => k.startsWith('ajs_') || k.startsWith('backstage-segment:') || k.startsWith('persisted-queue')),
    ...(await indexedDB.databases()).map(d => `indexedDB ${d.name}`),
  ]);
  const cookies = (await h.browser.context.cookies()).map(c => c.name).filter(name => name.startsWith('ajs_') || name.startsWith('backstage-segment.'));
  return [...keys, ...cookies];
}

/** Opens the card through the app's sidebar, and waits for the stored choice. @param {Harness} h */
async function openCard(h) {
  await h.page.getByRole('link', { name: 'Usage analytics' }).first().click();
  const toggle = h.page.locator('[data-testid=segment-usage-analytics-switch]');
  await toggle.waitFor();
  await h.page.waitForFunction(() => !document.querySelector('[data-testid=segment-usage-analytics-switch]')?.hasAttribute('disabled'));
  return toggle;
}

/** Back to the playground, through the sidebar. @param {Harness} h */
async function openPlayground(h) {
  await h.page.getByRole('link', { name: 'Playground' }).first().click();
  await h.page.waitForSelector('[data-testid=fire-create]');
}

/**
 * Switches analytics off on the card, then checks that nothing more is sent and nothing is left in the
 * browser, events fired meanwhile included. Returns what the card said once the choice was saved or not
 * (its alert), if anything.
 * @param {Harness} h
 */
async function switchOffAndCheck(h) {
  const toggle = await openCard(h);
  await toggle.click();
  const switched = '[data-testid=segment-usage-analytics-switch][aria-checked=false]:not([disabled])';
  await h.page.waitForSelector(switched);
  const alert = (await h.page.getByRole('alert').count()) ? await h.page.getByRole('alert').textContent() : undefined;
  const atOff = toCollector(h).length;
  assert.deepEqual(await leftInBrowser(h), []);
  await openPlayground(h);
  for (let i = 0; i < 3; i++) await h.page.click('[data-testid=fire-create]');
  await h.page.waitForTimeout(1500);
  assert.equal(toCollector(h).length, atOff, 'no request to the collector while off');
  assert.deepEqual(await leftInBrowser(h), []);
  return alert;
}

/** The create calls that arrived (tracked under their subject). @param {Array<Record<string, any>>} messages */
const creates = messages => messages.filter(m => m.properties?.action === 'create');
/**
 * What the page sent, arrived or not, once its request log shows `last` (the last call read) leaving.
 * @param {Harness} h
 * @param {Record<string, any>} last
 */
async function sentUpTo(h, last) {
  await logShowsSent(h.browser.requests, h.collector.url, [last.messageId]);
  return sentCalls(h.browser.requests, h.collector.url);
}

describe("the user's own choice in Chromium", { skip: missing, concurrency: TESTS_AT_ONCE }, () => {
  it('opt-out: switching off sends nothing more and leaves nothing behind, survives a reload; on again: a new anonymous id', async () => {
    const h = await harness();
    await h.page.click('[data-testid=fire-create]');
    const first = await h.collector.waitFor(m => creates(m).length > 0);
    const anonymousId = creates(first)[0].anonymousId;
    assert.ok(anonymousId);
    assert.notDeepEqual(await leftInBrowser(h), [], 'the library keeps its anonymous id while on');

    const toggle = await openCard(h);
    assert.equal(await toggle.isChecked(), true);
    await toggle.click();
    await h.page.waitForFunction(() => document.querySelector('[data-testid=segment-usage-analytics-switch]')?.getAttribute('aria-checked') === 'false');
    const atOff = toCollector(h).length;
    assert.deepEqual(await leftInBrowser(h), []);

    await openPlayground(h);
    for (let i = 0; i < 3; i++) await h.page.click('[data-testid=fire-create]');
    await h.page.click('[data-testid=second-link]');
    await h.page.click('[data-testid=back-link]');
    // The choice survives a reload, and a reload while off loads and sends nothing.
    await h.page.reload();
    await signInIfAsked(h.page);
    await h.page.click('[data-testid=fire-create]');
    const again = await openCard(h);
    assert.equal(await again.isChecked(), false, 'the choice survived the reload');
    assert.equal(toCollector(h).length, atOff, 'no request to the collector while off');
    assert.deepEqual(await leftInBrowser(h), []);

    await again.click();
    await h.page.waitForFunction(() => document.querySelector('[data-testid=segment-usage-analytics-switch]')?.getAttribute('aria-checked') === 'true');
    await openPlayground(h);
    await h.page.click('[data-testid=fire-search]');
    const all = await h.collector.waitFor(m => m.some(x => x.event === 'search'));
    assert.equal(creates(all).length, 1, 'nothing captured while off arrived');
    const search = all.find(x => x.event === 'search');
    assert.ok(search);
    assert.equal(new Set(creates(await sentUpTo(h, search)).map(m => m.messageId)).size, 1, 'nothing captured while off was sent');
    assert.ok(search?.anonymousId && search.anonymousId !== anonymousId, 'a fresh anonymous id after switching on');
  });

  it('a full localStorage: switching off stops sending, clears the cookies, and is stored once that frees the room', async () => {
    const h = await harness();
    await h.page.click('[data-testid=fire-create]');
    await h.collector.waitFor(m => creates(m).length > 0);
    await h.page.evaluate(() => {
      for (let size = 1 << 20, i = 0; size >= 1; ) {
        try {
          localStorage.setItem(`other-app-${i++}`, 'x'.repeat(size));
        } catch {
          size = Math.floor(size / 2);
        }
      }
    });
    await h.page.reload();
    await signInIfAsked(h.page);
    await h.page.click('[data-testid=fire-create]');
    await h.collector.waitFor(m => creates(m).length >= 2);
    // The module's record of whose identity it is, as a session that could not keep it in localStorage leaves it.
    await h.page.evaluate(() => (document.cookie = 'backstage-segment.e2e-key.user=%00unidentified; path=/; max-age=600'));
    const kept = await leftInBrowser(h);
    assert.ok(kept.includes('ajs_anonymous_id') && kept.includes('backstage-segment.e2e-key.user'), `kept in cookies while localStorage is full: ${kept}`);
    assert.equal(await switchOffAndCheck(h), undefined, 'no alert: the choice was stored');
    // Saying no removed what analytics stored, which made room for the choice.
    const stored = await h.page.evaluate(() => localStorage.getItem('/segment-analytics/consent'));
    assert.equal(JSON.parse(String(stored)).decision, 'denied');
  });

  it('a StorageApi that cannot store the choice at all: switching off applies to the page, and the card says until when', async () => {
    const h = await harness();
    await h.page.addInitScript(() => {
      const setItem = Storage.prototype.setItem;
      Storage.prototype.setItem = function refuseTheChoice(/** @type {string} */ key, /** @type {string} */ value) {
        if (String(key).includes('segment-analytics')) throw new DOMException('the quota has been exceeded', 'QuotaExceededError');
        return setItem.call(this, key, value);
      };
    });
    await h.page.reload();
    await signInIfAsked(h.page);
    await h.page.click('[data-testid=fire-create]');
    await h.collector.waitFor(m => creates(m).length > 0);
    const alert = await switchOffAndCheck(h);
    assert.match(String(alert), /Your choice could not be saved: it applies to this page until it is reloaded \(QuotaExceededError/);
  });

  it('opt-in: zero requests before the user agrees; then events flow, and only those captured after', async () => {
    const h = await harness({ segment: { consent: { default: 'opt-in' } } });
    await h.page.click('[data-testid=fire-create]');
    const toggle = await openCard(h);
    assert.equal(await toggle.isChecked(), false);
    assert.equal(toCollector(h).length, 0, 'no request at all before agreeing');
    assert.deepEqual(await leftInBrowser(h), []);

    await toggle.click();
    await h.page.waitForFunction(() => document.querySelector('[data-testid=segment-usage-analytics-switch]')?.getAttribute('aria-checked') === 'true');
    // The README's picture of the card (docs/usage-analytics-card.png comes from here).
    await h.page.locator('[data-testid=segment-usage-analytics-card]').screenshot({ path: '.e2e-artifacts/usage-analytics-card.png' });
    await openPlayground(h);
    await h.page.click('[data-testid=fire-search]');
    const messages = await h.collector.waitFor(m => m.some(x => x.event === 'search'));
    assert.deepEqual(creates(messages), [], 'the event captured before agreeing never arrived');
    const search = messages.find(x => x.event === 'search');
    assert.ok(search);
    assert.deepEqual(creates(await sentUpTo(h, search)), [], 'the event captured before agreeing was never sent');
  });

  it('switching off while the library retries a failed event: the retry is never sent', async () => {
    const h = await harness();
    await h.page.click('[data-testid=fire-create]');
    await h.collector.waitFor(m => creates(m).length > 0);
    const tracking = () => toCollector(h).filter(r => r.url.endsWith('/t'));
    const before = tracking().length;
    // Failing until the user has switched off (however long that takes on a busy machine), then not.
    h.collector.failFor(60_000, 503);
    await h.page.click('[data-testid=fire-search]');
    // The library has tried once (and failed): the event now waits in its retry queue.
    for (const deadline = Date.now() + 20_000; tracking().length === before && Date.now() < deadline; ) await h.page.waitForTimeout(20);
    assert.ok(tracking().length > before, 'the library tried to send the search');
    const toggle = await openCard(h);
    await toggle.click();
    await h.page.waitForFunction(() => document.querySelector('[data-testid=segment-usage-analytics-switch]')?.getAttribute('aria-checked') === 'false');
    const atOff = toCollector(h).length;
    h.collector.failFor(0);
    // Several of the library's back-off steps, each retry one that would now succeed.
    await h.page.waitForTimeout(6000);
    assert.equal(toCollector(h).length, atOff, 'no request after switching off, retries included');
    assert.equal((await h.collector.messages()).filter(m => m.event === 'search').length, 0);
    assert.deepEqual(await leftInBrowser(h), []);
  });
});

