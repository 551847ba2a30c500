// @ts-check
// End-to-end: hostile browsers. The dev harness in headless Chromium against
// the embedded collector, with the browser itself misbehaving: a full
// localStorage, localStorage refusing writes, document.cookie throwing, the
// system clock stepping back, a stored backlog restored on load (and by two
// tabs at once). Every assertion is on what arrived on the wire, or on what
// the page measured.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserMissing } from './support/browser.mjs';
import { TESTS_AT_ONCE, harnessesOfFile, signInIfAsked } from './support/harness.mjs';
import { named } from './support/order.mjs';

const GUEST = 'user:default/guest';
const STORE_KEY = 'backstage-segment:e2e-key:pending';
const missing = browserMissing();
const { harness } = harnessesOfFile();


/**
 * Every console warning of `page` from now on.
 * @param {import('playwright-core').Page} page
 */
function warningsOf(page) {
  /** @type {string[]} */
  const warnings = [];
  page.on('console', m => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  return warnings;
}

/**
 * Waits (at most 10 s) until a warning that `match`es has been logged: the
 * page's console messages may reach the test after its requests reached the collector.
 * @param {import('playwright-core').Page} page
 * @param {string[]} warnings
 * @param {(warning: string) => boolean} match
 */
async function warned(page, warnings, match) {
  for (const deadline = Date.now() + 10_000; !warnings.some(match) && Date.now() < deadline; ) await page.waitForTimeout(50);
}

/** Init script: `document.cookie` throws on read and write, as on a sandboxed or opaque-origin page. */
function throwingCookies() {
  const refuse = () => {
    throw new DOMException('The document is sandboxed and lacks the allow-same-origin flag.', 'SecurityError');
  };
  Object.defineProperty(Document.prototype, 'cookie', { configurable: true, get: refuse, set: refuse });
}

/**
 * Init script: localStorage refuses every write (reads still work), except
 * the few keys the dev app itself needs to sign in and render.
 */
function refusingWrites() {
  const setItem = Storage.prototype.setItem;
  const appKeys = /^(@backstage\/|sidebarPinState$|enableLegacyGuestToken$|language$)/;
  Storage.prototype.setItem = function refusingSetItem(/** @type {string} */ key, /** @type {string} */ value) {
    if (appKeys.test(String(key))) return setItem.call(this, key, value);
    throw new DOMException('writes are refused', 'SecurityError');
  };
}

/** In the page: clicks the playground's `fire-${name}` button five times, in one task. @param {string} name */
function fireFive(name) {
  const button = /** @type {HTMLElement} */ (document.querySelector(`[data-testid=fire-${name}]`));
  for (let i = 0; i < 5; i++) button.click();
}

/** In the page: fills the origin's localStorage up to its quota, as other apps on the origin can. */
function fillLocalStorage() {
  for (let size = 1 << 20, i = 0; size >= 1; ) {
    try {
      localStorage.setItem(`other-app-${i++}`, 'x'.repeat(size));
    } catch {
      size = Math.floor(size / 2);
    }
  }
}

/**
 * Opens a new page of a browser profile on the dev app's playground, signed in
 * as `knobs.userEntityRef` (the dev app's knobs), once the library has fetched its settings.
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} appUrl
 * @param {object} knobs
 */
async function openSignedIn(context, appUrl, knobs) {
  const page = await context.newPage();
  page.on('dialog', d => void d.accept());
  await page.addInitScript(k => { /** @type {any} */ (window).__SEGMENT_HARNESS__ = k; }, knobs);
  const settings = page.waitForResponse(r => r.url().includes('/settings'));
  await page.goto(`${appUrl}/playground`);
  await signInIfAsked(page);
  await settings;
  return page;
}

/**
 * Init script: records long tasks (PerformanceObserver, buffered), and when
 * the library sends each tracking request (its calls to `fetch`), so that
 * the test can tell which tasks ran while a backlog was being sent.
 */
function observeLongTasks() {
  const w = /** @type {any} */ (window);
  w.__longTasks = [];
  w.__trackingAt = [];
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const fetch = window.fetch;
  window.fetch = function timedFetch(input, init) {
    if (/\/v1\/[tp]$/.test(String(input instanceof Request ? input.url : input))) w.__trackingAt.push(performance.now());
    return fetch.call(this, input, init);
  };
}

/**
 * Init script: a system clock that can step. `window.__stepClock(ms)` moves
 * `Date` and `Date.now` by `ms`; `performance.now` and timers keep running
 * as they do when NTP, a resume or a VM steps the real clock.
 */
function steppableClock() {
  const Real = Date;
  let offset = 0;
  /** @param {any[]} args */
  function Stepped(...args) {
    if (!new.target) return new Real(Real.now() + offset).toString();
    // @ts-ignore the real Date takes whatever it was given
    return args.length ? new Real(...args) : new Real(Real.now() + offset);
  }
  Stepped.prototype = Real.prototype;
  Stepped.now = () => Real.now() + offset;
  Stepped.parse = Real.parse;
  Stepped.UTC = Real.UTC;
  // @ts-ignore replaced on purpose
  globalThis.Date = Stepped;
  /** @type {any} */ (window).__stepClock = (/** @type {number} */ ms) => {
    offset += ms;
  };
}

/**
 * In the page: stores `count` calls under the module's key, as an earlier
 * load that could not send them would have, for the guest.
 * @param {{ key: string, count: number, event: string, owner: string }} backlog
 */
function storeBacklog({ key, count, event, owner }) {
  const now = Date.now();
  const calls = Array.from({ length: count }, (_, i) => ({
    messageId: `${event}-${i}`,
    owner,
    call: {
      type: 'track',
      event,
      properties: { subject: `stored ${i}`, action: event, index: i },
      page: { url: location.href, path: location.pathname, search: '', title: 'Playground', referrer: '' },
      timestamp: new Date(now - 60_000 + i).toISOString(),
    },
  }));
  localStorage.setItem(key, JSON.stringify({ v: 1, calls }));
}

/**
 * Alice signs in, then someone whose identity never answers (past the
 * time-out their events go out anonymous, with a fresh anonymous id), then
 * Bob: none of those anonymous events may become his. `prepare` sets the
 * browser up first (after Alice's first load, its cookies cleared).
 * @param {(context: import('playwright-core').BrowserContext, appUrl: string) => Promise<void>} prepare
 */
async function unidentifiedThenAnother(prepare) {
  const alice = 'user:default/alice';
  const bob = 'user:default/bob';
  const h = await harness({ segment: { identityTimeoutMs: 1000 }, knobs: { userEntityRef: alice } });
  const { context } = h.browser;
  await h.collector.waitFor(m => m.some(x => x.type === 'identify' && x.userId === alice));
  await h.page.close();
  await context.clearCookies();
  await prepare(context, h.app.url);
  const open = (/** @type {object} */ knobs) => openSignedIn(context, h.app.url, knobs);
  const first = await open({ userEntityRef: alice });
  await first.click('[data-testid=fire-search]');
  await h.collector.waitFor(m => named(m, 'search').some(x => x.userId === alice));
  await first.close();
  const unknown = await open({ userEntityRef: alice, identityDelayMs: 120_000 });
  await unknown.click('[data-testid=fire-search]');
  const seen = await h.collector.waitFor(m => named(m, 'search').some(x => !x.userId), 20000);
  const anonymous = named(seen, 'search').find(x => !x.userId)?.anonymousId;
  assert.ok(anonymous);
  await unknown.close();
  const next = await open({ userEntityRef: bob });
  await next.click('[data-testid=fire-search]');
  const messages = await h.collector.waitFor(m => m.some(x => x.type === 'identify' && x.userId === bob) && named(m, 'search').some(x => x.userId === bob), 20000);
  for (const m of messages.filter(x => x.userId === bob)) {
    assert.notEqual(m.anonymousId, anonymous, `Bob's ${m.type} ${m.event ?? ''} carries the anonymous id of the unidentified session`);
  }
  await next.close();
}

describe('hostile browsers (Chromium, embedded collector)', { skip: missing, concurrency: TESTS_AT_ONCE }, () => {
  it('a full localStorage: every event is delivered from memory, one warning saying so, the anonymous id kept in a cookie', async () => {
    const h = await harness();
    const first = await h.collector.waitFor(m => m.some(x => x.type === 'identify') && m.some(x => x.type === 'page'));
    const anonymousId = first.find(x => x.type === 'identify')?.anonymousId;
    await h.page.evaluate(fillLocalStorage);
    const full = await h.page.evaluate(() => {
      try {
        localStorage.setItem('one-more', 'x');
        return false;
      } catch (e) {
        return /** @type {Error} */ (e).name;
      }
    });
    assert.equal(full, 'QuotaExceededError', 'the storage really is full');
    const warnings = warningsOf(h.page);
    await h.page.reload();
    await signInIfAsked(h.page);
    for (let i = 0; i < 3; i++) await h.page.click('[data-testid=fire-search]');
    const messages = await h.collector.waitFor(m => named(m, 'search').length >= 3 && m.filter(x => x.type === 'identify').length >= 2, 20000);
    for (const event of [...named(messages, 'search'), ...messages.filter(x => x.type === 'identify')]) {
      assert.equal(event.userId, GUEST);
      assert.equal(event.anonymousId, anonymousId, 'the anonymous id of before the storage filled up (kept in a cookie)');
    }
    assert.equal(warnings.filter(w => w.includes('localStorage is full')).length, 1, warnings.join('\n'));
    assert.deepEqual(warnings.filter(w => /blocked or offline|Unable to access|Can't set key/.test(w)), []);
    assert.deepEqual(h.browser.errors, []);
  });

  it('the identity API failing, the user\'s own choice in a StorageApi (its code loaded lazily): events go out anonymous, no uncaught error in the page', async () => {
    const h = await harness({ knobs: { identityFails: true }, segment: { userIdTransform: 'sha-256' } });
    await h.page.click('[data-testid=fire-custom]');
    const messages = await h.collector.waitFor(m => named(m, 'deploy').length >= 1, 20000);
    assert.ok(messages.every(m => (m.userId ?? null) === null), 'an event carries a user id');
    assert.ok(!messages.some(m => m.type === 'identify'));
    assert.deepEqual(h.browser.errors, []);
  });

  it('a full localStorage in a shared browser: a load left before its user is known still tells the next load whose identity the browser holds', async () => {
    const alice = 'user:default/alice';
    const bob = 'user:default/bob';
    const h = await harness({ knobs: { userEntityRef: alice } });
    const { context } = h.browser;
    const first = await h.collector.waitFor(m => m.some(x => x.type === 'identify' && x.userId === alice));
    const aliceAnonymousId = first.find(x => x.type === 'identify')?.anonymousId;
    await h.page.evaluate(fillLocalStorage);
    await h.page.close();
    const open = (/** @type {object} */ knobs) => openSignedIn(context, h.app.url, knobs);
    // Alice again, her identity slow: the library loads, the page is left before it is known.
    const slow = await open({ userEntityRef: alice, identityDelayMs: 30000 });
    await slow.waitForTimeout(500);
    await slow.close();
    // Bob, next: a new anonymous id, none of Alice's.
    const next = await open({ userEntityRef: bob });
    await next.click('[data-testid=fire-search]');
    const messages = await h.collector.waitFor(m => m.some(x => x.type === 'identify' && x.userId === bob) && named(m, 'search').length >= 1, 20000);
    const bobs = messages.filter(m => m.userId === bob);
    assert.ok(bobs.length >= 2);
    for (const m of bobs) assert.notEqual(m.anonymousId, aliceAnonymousId, `Bob's ${m.type} ${m.event ?? ''} carries Alice's anonymous id`);
    assert.ok(named(messages, 'search').every(m => m.userId === bob));
    await next.close();
  });

  it('a full localStorage in a shared browser: after a session whose identity never came (its events anonymous), the next person gets a new anonymous id', async () => {
    await unidentifiedThenAnother(async (context, appUrl) => {
      // Full before analytics ever ran in this browser (Backstage's sign-in kept).
      const filler = await context.newPage();
      await filler.goto(`${appUrl}/index.js`);
      await filler.evaluate(() => {
        for (const key of Object.keys(localStorage)) if (/^(ajs_|backstage-segment|persisted-queue)/.test(key)) localStorage.removeItem(key);
      });
      await filler.evaluate(fillLocalStorage);
      await filler.close();
    });
  });

  it('localStorage out of reach for analytics, cookies working: after a session whose identity never came, the next person gets a new anonymous id', async () => {
    await unidentifiedThenAnother(async context => {
      // As reading an unreachable localStorage throws (storage turned off, say): the module keeps its data in memory.
      await context.addInitScript(() => {
        const getItem = Storage.prototype.getItem;
        Storage.prototype.getItem = function throwingForTheProbe(/** @type {string} */ key) {
          if (key === 'backstage-segment:probe') throw new DOMException('The operation is insecure.', 'SecurityError');
          return getItem.call(this, key);
        };
      });
    });
  });

  it('localStorage full for one person\'s session only, on a host of several labels: the next person never gets their anonymous id', async () => {
    const host = 'backstage.eu.example.com';
    const alice = 'user:default/alice';
    // Bob's id is the longer: a full storage cannot replace Alice's record with it.
    const bob = 'user:default/bartholomew.longname';
    const h = await harness({ hostName: host, browserArgs: [`--host-resolver-rules=MAP ${host} 127.0.0.1`], knobs: { userEntityRef: alice } });
    const { context } = h.browser;
    await h.collector.waitFor(m => m.some(x => x.type === 'identify' && x.userId === alice));
    await h.page.evaluate(fillLocalStorage);
    await h.page.close();
    const open = (/** @type {object} */ knobs) => openSignedIn(context, h.app.url, knobs);
    // Bob, while the storage is full: his own anonymous id, kept in the library's cookies on the site's domain.
    const whileFull = await open({ userEntityRef: bob });
    const seen = await h.collector.waitFor(m => m.some(x => x.type === 'identify' && x.userId === bob));
    const bobAnonymousId = seen.find(x => x.type === 'identify' && x.userId === bob)?.anonymousId;
    const cookies = await context.cookies();
    assert.deepEqual(cookies.filter(c => c.name.startsWith('ajs_')).map(c => [c.name, c.domain]).sort(), [
      ['ajs_anonymous_id', '.example.com'],
      ['ajs_user_id', '.example.com'],
    ]);
    // The other app frees its space; Alice again.
    await whileFull.evaluate(() => {
      for (const key of Object.keys(localStorage)) if (key.startsWith('other-app-')) localStorage.removeItem(key);
    });
    await whileFull.close();
    const next = await open({ userEntityRef: alice });
    await next.click('[data-testid=fire-search]');
    const messages = await h.collector.waitFor(m => m.filter(x => x.type === 'identify' && x.userId === alice).length >= 2 && named(m, 'search').length >= 1, 20000);
    const hers = messages.slice(seen.length).filter(m => m.userId === alice);
    assert.ok(hers.some(m => m.event === 'search'));
    for (const m of hers) assert.notEqual(m.anonymousId, bobAnonymousId, `Alice's ${m.type} ${m.event ?? ''} carries Bob's anonymous id`);
    await next.close();
  });

  it('document.cookie throwing, then localStorage refusing writes too: events go out at once, one warning each load, no warning per event', async () => {
    const h = await harness();
    await h.collector.waitFor(m => m.some(x => x.type === 'identify') && m.some(x => x.type === 'page'));
    const warnings = warningsOf(h.page);
    await h.browser.context.addInitScript(throwingCookies);
    await h.page.reload();
    await signInIfAsked(h.page);
    // Five clicks in one task: the time measured is the module's and the library's, not Playwright's.
    let firedAt = Date.now();
    await h.page.evaluate(fireFive, 'search');
    await h.collector.waitFor(m => named(m, 'search').length >= 5, 20000);
    const cookieDelay = Date.now() - firedAt;
    await warned(h.page, warnings, w => w.includes('cookies cannot be used'));
    assert.equal(warnings.filter(w => w.includes('cookies cannot be used')).length, 1, warnings.join('\n'));

    await h.browser.context.addInitScript(refusingWrites);
    await h.page.reload();
    await signInIfAsked(h.page);
    firedAt = Date.now();
    await h.page.evaluate(fireFive, 'discover');
    const messages = await h.collector.waitFor(m => named(m, 'discover').length >= 5, 20000);
    const bothDelay = Date.now() - firedAt;
    console.log(`throwing cookies: 5 events arrived ${cookieDelay} ms after the first click; with refused writes too: ${bothDelay} ms`);
    // The library's own retries (its enrichment failing on every event) would take tens of seconds.
    assert.ok(cookieDelay < 8000 && bothDelay < 8000, `${cookieDelay} ms, ${bothDelay} ms`);
    assert.ok(named(messages, 'discover').every(m => m.userId === GUEST));
    await warned(h.page, warnings, w => w.includes('localStorage cannot be written') && w.includes('cookies cannot be used'));
    const both = warnings.filter(w => w.includes('localStorage cannot be written') && w.includes('cookies cannot be used'));
    assert.equal(both.length, 1, warnings.join('\n'));
    assert.deepEqual(warnings.filter(w => /blocked or offline|Unable to access|Can't set key/.test(w)), []);
    assert.deepEqual(h.browser.errors, []);
  });

  it('the system clock stepping back an hour holds nothing: a page call waiting for its title and the events behind it go out at once', async () => {
    const h = await harness();
    await h.browser.context.addInitScript(steppableClock);
    await h.page.reload();
    await signInIfAsked(h.page);
    await h.collector.waitFor(m => m.some(x => x.type === 'page' && x.context.page.path === '/playground'), 20000);
    const realStart = Date.now();
    // A navigation (its page call waits for the new page's title to settle), and, once it was captured
    // (two frames later), the clock steps back an hour.
    await h.page.evaluate(async () => {
      /** @type {HTMLElement} */ (document.querySelector('[data-testid=second-link]')).click();
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
      /** @type {any} */ (window).__stepClock(-3_600_000);
    });
    await h.page.waitForURL('**/second');
    // A click behind it, on the same page (its navigation prevented: leaving the page would release the call).
    await h.page.evaluate(() => {
      document.addEventListener('click', e => e.preventDefault(), { capture: true, once: true });
      /** @type {HTMLElement} */ (document.querySelector('[data-testid=back-link]')).click();
    });
    const messages = await h.collector.waitFor(
      m => m.some(x => x.type === 'page' && x.context.page.path === '/second') && m.some(x => x.event === 'click' && x.context.page.path === '/second'),
      15000,
    );
    const took = Date.now() - realStart;
    console.log(`clock stepped back 1 h: the held page call and the event after it arrived ${took} ms after the step`);
    assert.ok(took < 10000, `${took} ms`);
    const second = messages.find(x => x.type === 'page' && x.context.page.path === '/second');
    const click = messages.find(x => x.event === 'click' && x.context.page.path === '/second');
    assert.ok(second && click, 'the page call and the click arrived');
    // Capture times stay wall-clock: before the step as it was, after it as the (stepped) clock says.
    assert.ok(Math.abs(Date.parse(second.timestamp) - realStart) < 5000, `page call captured at ${second.timestamp}`);
    assert.ok(Math.abs(Date.parse(click.timestamp) - (realStart - 3_600_000)) < 15000, `click captured at ${click.timestamp}`);
    assert.deepEqual(h.browser.errors, []);
  });

  it('a stored backlog of 500 events is sent once, in short tasks; two tabs opened at once on another backlog share it, each event once', { timeout: 180000 }, async () => {
    const h = await harness();
    await h.collector.waitFor(m => m.some(x => x.type === 'identify') && m.some(x => x.type === 'page'));
    await h.browser.context.addInitScript(observeLongTasks);
    // The library's settings arrive 2 s late, so that the backlog is sent well after the app's own start
    // (its first render makes long tasks of its own).
    await h.browser.context.route('**/v1/projects/*/settings', async route => {
      await new Promise(r => setTimeout(r, 2000));
      await route.continue();
    });
    await h.page.evaluate(storeBacklog, { key: STORE_KEY, count: 500, event: 'backlog', owner: GUEST });
    await h.page.reload();
    await signInIfAsked(h.page);
    const messages = await h.collector.waitFor(m => new Set(named(m, 'backlog').map(x => x.messageId)).size >= 500, 90000);
    await h.page.waitForTimeout(1000); // time for any duplicate to show up
    const backlog = named(h.collector.messages(), 'backlog');
    assert.equal(backlog.length, 500, `each stored event sent once: ${backlog.length} messages`);
    assert.ok(backlog.every(m => m.userId === GUEST));
    assert.ok(messages.length > 0);

    // The tasks that ran from the library's settings arriving (then the backlog is taken) to its last request.
    const measured = await h.page.evaluate(() => {
      const w = /** @type {any} */ (window);
      const settings = /** @type {PerformanceResourceTiming[]} */ (performance.getEntriesByType('resource')).find(e =>
        e.name.includes('/settings'),
      );
      const from = settings ? settings.responseEnd : 0;
      const to = Math.max(...w.__trackingAt);
      const tasks = /** @type {{ start: number, duration: number }[]} */ (w.__longTasks);
      const during = tasks.filter(t => t.start + t.duration >= from && t.start <= to);
      return { requests: w.__trackingAt.length, windowMs: to - from, count: during.length, longest: Math.max(0, ...during.map(t => t.duration)) };
    });
    assert.ok(measured.requests >= 500 && measured.windowMs > 0, JSON.stringify(measured));
    console.log(
      `backlog of 500: ${measured.requests} tracking requests over ${measured.windowMs.toFixed(0)} ms; ` +
        `${measured.count} long tasks meanwhile, the longest ${measured.longest.toFixed(0)} ms`,
    );
    // Measured, not timed. Handed over in one task (as before), the backlog held the main thread for 4.5 s
    // of the 12.7 s it took to send (a third), on a 2-core machine loaded 7-fold; in 8 ms slices, a task of
    // the module's is its slice plus one library call (a few ms; 90-214 ms at that load, of 7.6-11.5 s:
    // 1-3%). Load stretches the tasks and the sending time alike, so the bound is relative: no task may hold
    // an eighth of the sending time. It catches a backlog sent in one task, not scheduling noise; the unit
    // tests pin the slices exactly.
    assert.ok(
      measured.longest < measured.windowMs / 8,
      `a task of ${measured.longest.toFixed(0)} ms while the backlog went out over ${measured.windowMs.toFixed(0)} ms`,
    );

    // Two tabs of the same profile opened at once on a stored backlog: each event is sent by one of them.
    await h.browser.context.unrouteAll();
    await h.page.evaluate(storeBacklog, { key: STORE_KEY, count: 50, event: 'shared', owner: GUEST });
    const tabs = await Promise.all([h.browser.context.newPage(), h.browser.context.newPage()]);
    for (const tab of tabs) tab.on('dialog', d => void d.accept());
    await Promise.all(tabs.map(tab => tab.goto(`${h.app.url}/playground`)));
    await Promise.all(tabs.map(signInIfAsked));
    await h.collector.waitFor(m => new Set(named(m, 'shared').map(x => x.messageId)).size >= 50, 60000);
    await h.page.waitForTimeout(1500);
    const shared = named(h.collector.messages(), 'shared');
    assert.equal(new Set(shared.map(m => m.messageId)).size, 50);
    assert.equal(shared.length, 50, `sent by at most one tab: ${shared.length} messages for 50 events`);
    // What decided it: the module's ledger of claims in IndexedDB (localStorage alone cannot, across tabs).
    const databases = await tabs[0].evaluate(async () => (await indexedDB.databases()).map(d => d.name));
    assert.deepEqual(databases, ['backstage-segment']);
    assert.deepEqual(h.browser.errors, []);
  });
});
