// @ts-check
// End-to-end: nothing lost where users really are. The dev harness in
// headless Chromium against the embedded collector: leaving the page, a
// reload before the library is ready, two people in one browser profile (the
// 10,000-event burst is in burst.test.mjs). Every assertion is on what arrived
// on the wire.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { browserMissing } from './support/browser.mjs';
import { TESTS_AT_ONCE, harnessesOfFile, signInIfAsked } from './support/harness.mjs';
import { distinctIds, named } from './support/order.mjs';
import { outsideSite } from './support/outsideSite.mjs';
import { sha256 } from './support/sha256.mjs';

const GUEST = 'user:default/guest';
const GUEST_SHA256 = sha256(GUEST);
const missing = browserMissing();

const { harness, closeLater } = harnessesOfFile();


/**
 * Clicks a playground button `times` times in one task, then runs `andThen`
 * (a navigation away, say) in that same task.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 * @param {number} times
 * @param {string} [andThen] 'reload' or a URL to leave to
 */
function fireInOneTask(page, name, times, andThen) {
  return page.evaluate(
    ([testId, count, next]) => {
      const button = /** @type {HTMLElement} */ (document.querySelector(`[data-testid=fire-${testId}]`));
      for (let i = 0; i < Number(count); i++) button.click();
      if (next === 'reload') location.reload();
      else if (next) location.href = String(next);
    },
    [name, String(times), andThen ?? ''],
  );
}

describe('nothing lost where users are (Chromium, embedded collector)', { skip: missing, concurrency: TESTS_AT_ONCE }, () => {
  it('an event captured in the same task as a full-page navigation away arrives, without coming back', async () => {
    const site = await outsideSite(closeLater);
    const h = await harness();
    await h.collector.waitFor(m => m.some(x => x.type === 'identify') && m.some(x => x.event === 'signIn'));
    for (let round = 0; round < 3; round++) {
      const seen = new Set(h.collector.messages().map(m => m.messageId));
      await h.page.goto(`${h.app.url}/playground`);
      await signInIfAsked(h.page);
      // This load's library is ready (its identify arrived). In the first round the click comes at once, while the
      // page call still waits for its title and the page's signIn behind it: all three are handed over as the page
      // is left, and must reach the network in that task (the library's own timer may never run). In the others
      // the library is idle (the page's own signIn arrived). Before identify, a click is stored for the next load.
      const idle = round > 0;
      await h.collector.waitFor(m => m.some(x => x.type === 'identify' && !seen.has(x.messageId)) &&
        (!idle || m.some(x => x.event === 'signIn' && !seen.has(x.messageId))), 30000);
      await fireInOneTask(h.page, 'custom', 1, site.url);
      await h.page.waitForSelector('#away');
      // distinct ids: a copy kept at the leave and resent by the next load has the same messageId
      await h.collector.waitFor(m => distinctIds(named(m, 'deploy')) >= round + 1, 15000);
    }
    const deploys = named(h.collector.messages(), 'deploy');
    assert.equal(distinctIds(deploys), 3, 'each click arrived, once per messageId');
    assert.ok(deploys.every(m => m.userId === GUEST));
  });

  it('an event captured in the same task as a reload arrives, once', async () => {
    const h = await harness();
    await h.collector.waitFor(m => m.some(x => x.type === 'identify') && m.some(x => x.type === 'page'));
    await fireInOneTask(h.page, 'search', 2, 'reload');
    await signInIfAsked(h.page);
    const messages = await h.collector.waitFor(m => distinctIds(named(m, 'search')) >= 2, 15000);
    assert.equal(distinctIds(named(messages, 'search')), 2);
  });

  it('an event on its way when the page is reloaded (its request unanswered) is sent again by the next load once, not twice', async () => {
    const h = await harness();
    await h.collector.waitFor(m => m.some(x => x.type === 'identify') && m.some(x => x.event === 'signIn'));
    // The next track request (the click's, as the page is left) hangs: the library keeps it, in flight, on pagehide,
    // and the module keeps it too (it handed it over as the page was left).
    /** @type {import('playwright-core').Route[]} */
    const held = [];
    await h.page.route(url => url.pathname === '/v1/t', route => (held.length ? route.continue() : void held.push(route)));
    await fireInOneTask(h.page, 'custom', 1, 'reload');
    await signInIfAsked(h.page);
    await h.collector.waitFor(m => named(m, 'deploy').length >= 1, 15000);
    assert.ok(held.length >= 1, 'the request was on its way when the page was left');
    // Both copies, had they both been kept, go out as the next load starts: give the second time to arrive.
    await new Promise(later => setTimeout(later, 3000));
    assert.equal(named(h.collector.messages(), 'deploy').length, 1, 'sent once by the next load');
  });

  it('a tab switched away from and back sends as before: a burst of 300 afterwards all arrives', async () => {
    const h = await harness();
    await h.collector.waitFor(m => m.some(x => x.type === 'identify') && m.some(x => x.type === 'page'));
    // Hidden, then shown again (as a tab switch does), and a beforeunload that does not unload (a download link's).
    await h.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
      delete (/** @type {{ visibilityState?: string }} */ (/** @type {unknown} */ (document))).visibilityState;
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event('beforeunload'));
    });
    await new Promise(later => setTimeout(later, 500));
    await h.page.evaluate(() => {
      const button = /** @type {HTMLButtonElement} */ (document.querySelector('[data-testid=fire-not-found]'));
      for (let i = 0; i < 300; i++) button.click();
    });
    const messages = await h.collector.waitFor(m => distinctIds(named(m, 'not-found')) >= 300, 60000);
    assert.equal(distinctIds(named(messages, 'not-found')), 300);
  });

  it('events captured while the library is still loading survive a reload: sent by the next load, once, at their capture time, for their user', async () => {
    const h = await harness({ path: '/second', signIn: false, segment: { userIdTransform: 'sha-256' } });
    // The library is still loading: this load's settings never arrive (held until the page has been
    // reloaded, however slow the machine), the next load's take 4 s.
    /** @type {() => void} */
    let releaseFirst = () => {};
    const firstHeld = new Promise(release => { releaseFirst = () => release(undefined); });
    let requests = 0;
    await h.browser.context.route('**/v1/projects/*/settings', async route => {
      if (requests++ === 0) await firstHeld;
      else await new Promise(r => setTimeout(r, 4000));
      await route.continue().catch(() => {}); // the page that asked may be gone
    });
    await h.page.goto(`${h.app.url}/playground`);
    await signInIfAsked(h.page);
    const firedAt = Date.now();
    await fireInOneTask(h.page, 'discover', 3);
    await h.page.waitForTimeout(300);
    assert.equal(named(h.collector.messages(), 'discover').length, 0, 'nothing sent yet: the library is loading');
    // What the page stores when it goes away: the digest, never the plaintext entity ref.
    await h.page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide')));
    const stored = await h.page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    assert.ok(stored.includes(GUEST_SHA256) && stored.includes('discover'), 'the waiting events are stored');
    assert.ok(!stored.includes(GUEST), 'no plaintext entity ref in storage');
    await h.page.reload();
    releaseFirst();
    await signInIfAsked(h.page);
    const messages = await h.collector.waitFor(m => named(m, 'discover').length >= 3, 30000);
    await h.page.waitForTimeout(1500); // time for any duplicate to show up
    const discovers = named(h.collector.messages(), 'discover');
    assert.equal(discovers.length, 3, `sent exactly once: ${discovers.length}`);
    assert.equal(distinctIds(discovers), 3);
    for (const m of discovers) {
      assert.equal(m.userId, GUEST_SHA256);
      const t = Date.parse(m.timestamp);
      assert.ok(Math.abs(t - firedAt) < 5000, `capture time kept: ${m.timestamp}`);
      assert.equal(m.context.page.path, '/playground');
    }
    assert.ok(messages.length > 0);
  });

  it('events kept under one privacy config are never sent by a load whose config asks for more privacy', async () => {
    /** @type {Record<string, unknown>} */
    const segment = {};
    const site = await outsideSite(closeLater);
    // Served anew with each page: the app is redeployed with this config between the two loads.
    const h = await harness({ segment, path: '/second', signIn: false });
    /** @type {string[]} */
    const warnings = [];
    h.page.on('console', m => void (m.type() === 'warning' && warnings.push(m.text())));
    let blocked = true; // Segment's CDN blocked for the first load: its events are kept for the next
    await h.browser.context.route('**/v1/projects/*/settings', route => (blocked ? route.abort() : route.continue()).catch(() => {}));
    await h.page.goto(`${h.app.url}/playground`);
    await signInIfAsked(h.page);
    await fireInOneTask(h.page, 'custom', 1);
    await fireInOneTask(h.page, 'search', 1, site.url);
    await h.page.waitForSelector('#away');
    await h.page.goto(`${h.app.url}/index.js`); // the app's origin, the app not running: its storage as left
    const kept = await h.page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    assert.ok(kept.includes('deploy') && kept.includes('segment analytics'), 'the events are kept for the next load');

    Object.assign(segment, { events: { exclude: [{ action: 'deploy' }] }, redact: { searchTerms: true } });
    blocked = false;
    await h.page.goto(`${h.app.url}/playground`);
    await signInIfAsked(h.page);
    await h.collector.waitFor(m => named(m, 'signIn').length > 0, 30000);
    await h.page.waitForTimeout(2000); // time for kept events to go out, were they sent
    const messages = h.collector.messages();
    assert.deepEqual(named(messages, 'deploy'), [], 'an excluded event is never sent');
    assert.ok(!JSON.stringify(messages).includes('segment analytics'), 'a search term is never sent unredacted');
    assert.ok(warnings.some(w => /kept by an earlier page load were not sent: the privacy or user id settings have changed/.test(w)), warnings.join('\n'));
  });

  it('tabs closed at the same moment with events waiting (a window closed): the next load sends every tab\'s events, once', async () => {
    const h = await harness({ path: '/second', signIn: false });
    const { context } = h.browser;
    // The tabs' library is still loading: their settings are held until the tabs are gone.
    /** @type {() => void} */
    let release = () => {};
    const held = new Promise(resolve => { release = () => resolve(undefined); });
    await context.route('**/v1/projects/*/settings', async route => {
      await held;
      await route.continue().catch(() => {}); // the page that asked may be gone
    });
    const kinds = /** @type {const} */ ([['search', 'search'], ['discover', 'discover'], ['custom', 'deploy']]);
    const tabs = [];
    for (const [button] of kinds) {
      const tab = await context.newPage();
      tab.on('dialog', d => void d.accept());
      await tab.goto(`${h.app.url}/playground`);
      await signInIfAsked(tab);
      await fireInOneTask(tab, button, 2);
      tabs.push(tab);
    }
    await h.page.waitForTimeout(300);
    // Each tab stores its events as it goes, reading the others' from a copy of localStorage not yet updated.
    await Promise.all(tabs.map(tab => tab.close({ runBeforeUnload: true })));
    release();
    const next = await context.newPage();
    next.on('dialog', d => void d.accept());
    await next.goto(`${h.app.url}/playground`);
    await signInIfAsked(next);
    await h.collector.waitFor(m => kinds.every(([, event]) => named(m, event).length >= 2), 30000).catch(() => {});
    await next.waitForTimeout(1500); // time for any duplicate to show up
    for (const [, event] of kinds) {
      const sent = named(h.collector.messages(), event);
      assert.equal(sent.length, 2, `${event}: every tab's events, once: ${sent.length}`);
      assert.equal(distinctIds(sent), 2);
      for (const m of sent) assert.equal(m.userId, GUEST);
    }
  });

  it('events stored while the identity was still pending never carry the next user\'s id', async () => {
    const h = await harness({ knobs: { userEntityRef: 'user:default/alice' } });
    const { context } = h.browser;
    await h.collector.waitFor(m => m.some(x => x.type === 'identify') && m.some(x => x.event === 'signIn'));
    await h.page.close();
    // Alice again, her identity slow: the library loads, she clicks twice, the page is left before it is known.
    const slow = await context.newPage();
    slow.on('dialog', d => void d.accept());
    await slow.addInitScript(() => { /** @type {any} */ (window).__SEGMENT_HARNESS__ = { userEntityRef: 'user:default/alice', identityDelayMs: 30000 }; });
    const settings = slow.waitForResponse(r => r.url().includes('/settings'));
    await slow.goto(`${h.app.url}/playground`);
    await signInIfAsked(slow);
    await settings;
    await slow.evaluate(() => {
      const button = /** @type {HTMLButtonElement} */ (document.querySelector('[data-testid=fire-custom]'));
      button.click();
      button.click();
    });
    await slow.waitForTimeout(500);
    await slow.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide')));
    assert.match(String(await slow.evaluate(() => localStorage.getItem('backstage-segment:e2e-key:pending'))), /deploy/);
    await slow.close();
    // Bob, next: the stored events go first, anonymous, and then his session.
    const bob = await context.newPage();
    bob.on('dialog', d => void d.accept());
    await bob.addInitScript(() => { /** @type {any} */ (window).__SEGMENT_HARNESS__ = { userEntityRef: 'user:default/bob' }; });
    await bob.goto(`${h.app.url}/playground`);
    await signInIfAsked(bob);
    const messages = await h.collector.waitFor(m => distinctIds(named(m, 'deploy')) >= 2 && m.some(x => x.type === 'identify' && x.userId === 'user:default/bob'), 30000);
    await bob.waitForTimeout(1000); // time for a wrongly attributed copy to show up
    const deploys = named(h.collector.messages(), 'deploy');
    assert.equal(distinctIds(deploys), 2);
    for (const m of deploys) assert.equal(m.userId ?? null, null, `an event Alice captured carries ${m.userId}`);
    assert.ok(messages.length > 0);
    await bob.close();
  });

  it('two people one after the other in one browser profile never share ids; the same person keeps theirs', async () => {
    const h = await harness({ segment: { identityTimeoutMs: 1500 } });
    const { context } = h.browser;
    await h.collector.waitFor(m => m.some(x => x.type === 'identify') && m.some(x => x.type === 'page'));
    await h.page.close();

    /**
     * Opens the app in a new tab of the same profile as `userEntityRef`, fires an event and waits for it.
     * Returns the messages captured from the session's start: a message of an earlier session may still
     * arrive meanwhile (a closed tab's last requests, or the queue the library persisted as it closed), with
     * that session's own ids, and is not this session's.
     * @param {string} userEntityRef @param {string} event @param {object} [knobs]
     */
    async function session(userEntityRef, event, knobs = {}) {
      const startedAt = Date.now();
      const page = await context.newPage();
      await page.addInitScript(k => { /** @type {any} */ (window).__SEGMENT_HARNESS__ = k; }, { userEntityRef, ...knobs });
      page.on('dialog', d => void d.accept());
      await page.goto(`${h.app.url}/playground`);
      await signInIfAsked(page);
      const before = h.collector.messages().length;
      await page.click(`[data-testid=fire-${event}]`);
      await h.collector.waitFor(m => m.slice(before).some(x => x.event === (event === 'custom' ? 'deploy' : event)), 20000);
      await page.waitForTimeout(500);
      await page.close();
      return h.collector.messages().slice(before).filter(m => Date.parse(m.timestamp) >= startedAt);
    }

    const alice = 'user:default/alice';
    const bob = 'user:default/bob';
    const aliceMessages = (await session(alice, 'search')).filter(m => m.userId === alice);
    const aliceAnon = new Set(aliceMessages.map(m => m.anonymousId));
    const bobMessages = (await session(bob, 'discover')).filter(m => m.userId === bob || m.type === 'page' || m.event === 'discover');
    assert.ok(bobMessages.some(m => m.event === 'discover'));
    for (const m of bobMessages) {
      assert.equal(m.userId, bob, `Bob's ${m.type} ${m.event ?? ''} carries ${m.userId}`);
      assert.ok(!aliceAnon.has(m.anonymousId), `Bob's ${m.type} carries Alice's anonymousId`);
    }
    const bobAnon = new Set(bobMessages.map(m => m.anonymousId));

    // Bob comes back: he keeps his anonymous id.
    const bobAgain = (await session(bob, 'search')).filter(m => m.event === 'search');
    assert.ok(bobAgain.length > 0 && bobAgain.every(m => m.userId === bob && bobAnon.has(m.anonymousId)));

    // Someone whose identity does not arrive in time: anonymous, with none of Bob's ids.
    const late = await session('user:default/carol', 'custom', { identityDelayMs: 8000 });
    const anonymous = late.filter(m => m.event === 'deploy' || m.type === 'page');
    assert.ok(anonymous.length > 0);
    for (const m of anonymous) {
      assert.equal(m.userId ?? null, null, `an anonymous ${m.type} carries userId ${m.userId}`);
      assert.ok(!bobAnon.has(m.anonymousId) && !aliceAnon.has(m.anonymousId), 'a previous anonymousId');
    }

    // The next person to sign in never gets the anonymous id of that unidentified session's events.
    const lateAnon = new Set(anonymous.map(m => m.anonymousId));
    const afterLate = (await session(bob, 'search')).filter(m => m.userId === bob);
    assert.ok(afterLate.some(m => m.event === 'search'));
    for (const m of afterLate) assert.ok(!lateAnon.has(m.anonymousId), `Bob's ${m.type} carries the unidentified session's anonymousId`);
  });

  it('warns once, naming the endpoint, when deliveries keep failing (https to a plain-http collector)', async () => {
    // A TLS handshake with a plain-http server (a copied `apiHost` without its http:// scheme).
    const plain = createServer((_req, res) => res.end('not TLS'));
    await new Promise(ok => plain.listen(0, '127.0.0.1', () => ok(undefined)));
    closeLater({ close: () => new Promise(ok => { plain.closeAllConnections(); plain.close(() => ok(undefined)); }) });
    const endpoint = `https://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (plain.address()).port}/v1`;
    /** @type {string[]} */
    const warnings = [];
    const tls = await harness({ segment: { apiHost: endpoint } });
    tls.page.on('console', m => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    for (let i = 0; i < 4; i++) await tls.page.click('[data-testid=fire-search]');
    const deadline = Date.now() + 20000;
    while (!warnings.some(w => w.includes('cannot be delivered')) && Date.now() < deadline) await tls.page.waitForTimeout(250);
    const failing = warnings.filter(w => w.includes('cannot be delivered'));
    assert.equal(failing.length, 1, `${warnings.join('\n')}\n${JSON.stringify(tls.browser.requests.filter(r => r.url.includes('/v1/')).map(r => r.url))}`);
    assert.ok(failing[0].includes(endpoint), failing[0]);
  });
});
