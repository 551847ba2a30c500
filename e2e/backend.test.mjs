// @ts-check
// End-to-end: `delivery: backend`. The dev app and a real Backstage backend
// (@backstage/backend-defaults, the auth backend with its guest provider and
// the Segment relay of backend/) share one origin, as in production: the app
// server passes `/api/` to the backend. The relay forwards to the embedded
// collector. The page cannot reach anything but its own origin (every other
// request is aborted and recorded): every event must arrive at the collector
// through the backend, with the ids the server computed.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startCollector } from '../dev/collector/collector.mjs';
import { browserMissing, closeIdleBrowsers, openBrowser } from './support/browser.mjs';
import { buildApp } from './support/buildApp.mjs';
import { serveApp } from './support/serveApp.mjs';

/** Why the backend cannot start here (its own dependencies are not installed), said loudly; or undefined. */
function backendMissing() {
  if (existsSync(new URL('../backend/node_modules/@backstage/backend-defaults/package.json', import.meta.url))) return undefined;
  const why = "backend/ has no node_modules: e2e/backend.test.mjs SKIPPED. Run 'npm ci' in backend/ (CI does).";
  console.error(`\n${'!'.repeat(78)}\n${why}\n${'!'.repeat(78)}\n`);
  return why;
}

const missing = browserMissing() ?? backendMissing();
// Loaded only when its dependencies are there.
/** @type {typeof import('../backend/dev/startSegmentBackend.mjs')} */
const { GUEST, startSegmentBackend } = missing
  ? /** @type {any} */ ({ GUEST: { userEntityRef: 'user:default/guest' } })
  : await import('../backend/dev/startSegmentBackend.mjs');

const WRITE_KEY = 'e2e-relay-write-key-5c1f';
const HMAC_KEY = 'e2e-relay-hmac-key-9a3e71b0c4d2f6e8a5b7';
/** @param {string} ref */
const hmac = ref => createHmac('sha256', HMAC_KEY).update(ref, 'utf8').digest('hex');
const USER_ID = hmac(GUEST.userEntityRef);
const TEAM_A = hmac('group:default/team-a');
const TEAM_B = hmac('group:default/team-b');

/** @typedef {Record<string, any>} Message */
/** @param {Message[]} messages @param {string} type */
const ofType = (messages, type) => messages.filter(m => m.type === type);
/** @param {Message} m */
const isEvent = m => m.type === 'page' || m.type === 'track';

/** @type {Awaited<ReturnType<typeof startCollector>>} */
let collector;
/** @type {import('../backend/dev/startSegmentBackend.mjs').SegmentBackend} */
let backend;
/** The legacy dev app (dev/index.tsx). @type {Awaited<ReturnType<typeof serveApp>>} */
let app;
/** The New Frontend System app (dev/nfs/index.tsx), on an origin of its own. @type {Awaited<ReturnType<typeof serveApp>>} */
let nfsApp;
/** `app.analytics.segment` of the next page load. @type {Record<string, unknown>} */
let segment = {};
/** @type {Array<{ close: () => Promise<void> }>} */
const browsers = [];

before(async () => {
  if (missing) return;
  collector = await startCollector({ writeKeys: [WRITE_KEY] });
  let backendOrigin = 'http://127.0.0.1:9';
  /** @param {string} origin */
  const configFor = origin => ({
    app: { title: 'Harness', baseUrl: origin, analytics: { segment: { delivery: 'backend', ...segment } } },
    // The app's own origin: its server passes /api/ to the backend.
    backend: { baseUrl: origin },
  });
  app = await serveApp(await buildApp('dev/index.tsx'), configFor, { api: () => backendOrigin });
  nfsApp = await serveApp(await buildApp('dev/nfs/index.tsx'), configFor, { api: () => backendOrigin });
  backend = await startSegmentBackend({
    upstreamUrl: `${collector.url}/v1`,
    writeKey: WRITE_KEY,
    hmacKey: HMAC_KEY,
    segmentAnalytics: { groups: true },
    // The relay takes calls from app.baseUrl and the exact origins of backend.cors.origin.
    config: { app: { baseUrl: app.url }, backend: { cors: { origin: [nfsApp.url], credentials: true } } },
  });
  backendOrigin = backend.baseUrl;
});

after(async () => {
  await Promise.allSettled(browsers.map(b => b.close()));
  await closeIdleBrowsers();
  await app?.close();
  await nfsApp?.close();
  await backend?.stop();
  await collector?.close();
});

/**
 * Opens the app in a fresh profile that can reach nothing but the app's
 * origin, and signs in as the backend's guest.
 * @param {{ delayCookieMs?: number, notFoundOnce?: RegExp, served?: typeof app, path?: string, ready?: string }} [options]
 *   `delayCookieMs`: holds the relay's cookie answers back this long; `notFoundOnce`: the first request whose
 *   body matches is answered 404 (a backend replica still starting: Backstage opens its port before the plugins'
 *   routes exist); `served`: the app (default: the legacy dev app), `path` the page opened first, `ready` what
 *   shows once signed in
 */
async function open({ delayCookieMs = 0, notFoundOnce, served = app, path = '/playground', ready = '[data-testid=second-link]' } = {}) {
  let notFound = notFoundOnce;
  const browser = await openBrowser();
  browsers.push(browser);
  /** @type {string[]} */
  const blocked = [];
  /** @type {Array<{ url: string, status: number }>} */
  const relayAnswers = [];
  await browser.context.route('**/*', async route => {
    const url = route.request().url();
    if (!url.startsWith(`${served.url}/`)) {
      blocked.push(url);
      await route.abort('blockedbyclient');
      return;
    }
    if (delayCookieMs && url.includes('/.backstage/auth/v1/cookie')) await new Promise(r => setTimeout(r, delayCookieMs));
    if (notFound && url.includes('/api/segment-analytics/v1/') && notFound.test(route.request().postData() ?? '')) {
      notFound = undefined;
      await route.fulfill({ status: 404, body: '' });
      return;
    }
    await route.continue();
  });
  browser.page.on('response', r => {
    if (r.url().includes('/api/segment-analytics/')) relayAnswers.push({ url: r.url(), status: r.status() });
  });
  /** @type {string[]} */
  const warnings = [];
  browser.page.on('console', m => {
    if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text());
  });
  await browser.page.goto(`${served.url}${path}`);
  await browser.page.getByRole('button', { name: 'Enter' }).click();
  await browser.page.waitForSelector(ready);
  return { ...browser, origin: served.url, blocked, relayAnswers, warnings };
}

/**
 * What every test checks: nothing off the origin, nothing plaintext, nothing of Segment's hosts.
 * @param {Awaited<ReturnType<typeof open>>} browser
 */
function assertFirstParty(browser) {
  assert.deepEqual(browser.blocked, [], 'the page asked for nothing off its origin');
  const offOrigin = browser.requests.filter(r => !r.url.startsWith(`${browser.origin}/`)).map(r => r.url);
  assert.deepEqual(offOrigin, [], 'the page made no request off its origin');
  const relay = browser.requests.filter(r => r.url.startsWith(`${browser.origin}/api/segment-analytics/`));
  assert.ok(relay.some(r => /\/v1\/[tpib]$/.test(r.url)), 'the calls went to the relay');
  for (const r of relay) {
    assert.ok(!r.body.includes(GUEST.userEntityRef), `no plaintext user ref sent to the relay: ${r.url}`);
    assert.ok(!r.body.includes(WRITE_KEY) && !r.body.includes(HMAC_KEY), 'the browser never had a key');
  }
  assert.ok(!browser.requests.some(r => /segment\.(com|io)|segmentapis/.test(r.url)), 'no Segment host');
}

describe('delivery: backend, with a real Backstage backend', { skip: missing }, () => {
  it('every call reaches Segment through the backend with the server-computed ids; the page talks only to its origin', async () => {
    collector.clear();
    segment = {};
    const browser = await open();
    const { page } = browser;
    await page.click('[data-testid=second-link]');
    await page.waitForSelector('[data-testid=back-link]');
    await page.click('[data-testid=back-link]');
    await page.waitForSelector('[data-testid=fire-search]');
    await page.click('[data-testid=fire-search]');

    const messages = await collector.waitFor(
      m => ofType(m, 'group').length >= 2 && ofType(m, 'page').length >= 3 && m.some(x => x.event === 'search'),
      20_000,
    );
    // Every message came from the relay (server to server: no browser Origin), with its write key.
    assert.ok(collector.requests().every(r => r.path === '/v1/batch' && r.status === 200 && !r.origin), 'relay requests only');
    const [identify] = ofType(messages, 'identify');
    assert.ok(identify, 'identify arrived');
    for (const m of messages) {
      assert.equal(m.userId, USER_ID, `${m.type} ${m.event ?? ''} carries the server's HMAC id`);
      assert.equal(m.traits, undefined, 'no traits from the browser');
    }
    assert.deepEqual(ofType(messages, 'group').map(g => g.groupId), [TEAM_A, TEAM_B], 'the backend sent the group calls');
    const events = messages.filter(isEvent);
    assert.ok(events.length >= 4, `events: ${events.map(e => e.event ?? e.type)}`);
    for (const e of events) assert.equal(e.context.groupId, TEAM_A, 'context.groupId from the server');
    assert.ok(events.every(e => Date.parse(e.timestamp) >= Date.parse(identify.timestamp)), 'identify first');
    // The module's payload is unchanged: a page call of the second page, the search track call.
    assert.ok(ofType(messages, 'page').some(p => p.properties.path === '/second'), 'the page call of /second');
    assert.ok(messages.some(m => m.event === 'search' && m.properties.action === 'search'), 'the search event');
    assertFirstParty(browser);
    assert.deepEqual(browser.warnings.filter(w => /segment/i.test(w)), [], 'no warning of the module');
  });

  it('frontend maskIP and batching go through the relay: Segment records 0.0.0.0, one request per batch', async () => {
    collector.clear();
    segment = { maskIP: true, batching: { size: 3, timeoutMs: 300 } };
    const browser = await open();
    await browser.page.click('[data-testid=fire-search]');
    const messages = await collector.waitFor(m => m.some(x => x.event === 'search'), 20_000);
    for (const m of messages) {
      assert.equal(m.context.ip, '0.0.0.0', `${m.type} masked`);
      assert.equal(m.userId, USER_ID);
    }
    assert.ok(browser.requests.some(r => r.url === `${app.url}/api/segment-analytics/v1/b`), 'batches went to the relay');
    assertFirstParty(browser);
  });

  it('a call answered 404 by the relay (a backend replica still starting) is retried and arrives once', async () => {
    for (const batching of [undefined, { size: 2, timeoutMs: 300 }]) {
      collector.clear();
      segment = batching ? { batching } : {};
      const browser = await open({ notFoundOnce: /"event":"search"/ });
      await browser.page.click('[data-testid=fire-search]');
      const messages = await collector.waitFor(m => m.some(x => x.event === 'search'), 30_000);
      assert.ok(
        browser.relayAnswers.some(a => a.status === 404),
        `the relay answered 404 first (${batching ? 'batching' : 'standard'}): ${JSON.stringify(browser.relayAnswers)}`,
      );
      // Nothing more comes: the retry is the only other attempt.
      await new Promise(r => setTimeout(r, 1500));
      const searches = collector.messages().filter(x => x.event === 'search');
      assert.equal(searches.length, 1, `the search call arrived once (${batching ? 'batching' : 'standard'})`);
      assert.equal(searches[0].userId, USER_ID);
      assert.ok(messages.length > 0);
      assertFirstParty(browser);
    }
  });

  it('calls captured before the session cookie exists wait for it, and are delivered once it does, as the signed-in user', async () => {
    collector.clear();
    // The identity is known long before the cookie: calls still wait for the cookie (without it, or with a cookie
    // another user left in this browser, the relay would refuse them or take them for that user's).
    segment = { identityTimeoutMs: 200 };
    const browser = await open({ delayCookieMs: 2500 });
    await browser.page.click('[data-testid=fire-search]');
    const messages = await collector.waitFor(m => m.some(x => x.event === 'search') && ofType(m, 'identify').length > 0, 30_000);
    const calls = browser.relayAnswers.filter(a => !a.url.includes('/.backstage/auth/'));
    assert.deepEqual(calls.filter(a => a.status !== 200), [], `no call before the cookie: ${JSON.stringify(browser.relayAnswers)}`);
    assert.ok(messages.every(m => m.userId === USER_ID), 'delivered as the signed-in user');
    assertFirstParty(browser);
  });

  it('another person signing in in the same tab (the first one\'s cookie still there): none of their calls is the first one\'s', async () => {
    collector.clear();
    // The identity times out while the second person is on the sign-in page: calls wait for their cookie anyway.
    segment = { identityTimeoutMs: 300 };
    const browser = await open();
    const firstPerson = (/** @type {Message[]} */ m) => ofType(m, 'identify').length > 0 && m.some(x => x.event === 'signIn') && ofType(m, 'page').length > 0;
    await collector.waitFor(firstPerson, 30_000);
    const first = collector.messages().length;
    const bob = { userEntityRef: 'user:default/bob', ownershipEntityRefs: ['user:default/bob'] };
    backend.setGuest(bob);
    try {
      // Signed out (Backstage reloads to its sign-in page); the guest's relay cookie stays in the browser.
      await browser.page.evaluate(() => {
        for (const key of Object.keys(localStorage)) if (/signin|provider/i.test(key)) localStorage.removeItem(key);
      });
      const switchedAt = Date.now();
      await browser.page.reload();
      const enter = browser.page.getByRole('button', { name: 'Enter' });
      await enter.waitFor({ timeout: 30_000 });
      await new Promise(r => setTimeout(r, 1500)); // on the sign-in page, past identityTimeoutMs
      await enter.click();
      await browser.page.waitForSelector('[data-testid=second-link]');
      await browser.page.click('[data-testid=fire-search]');
      // Captured after the switch (a call of the first person's page may still arrive late, as theirs).
      const sinceSwitch = (/** @type {Message[]} */ m) => m.filter(x => Date.parse(x.timestamp) >= switchedAt);
      // Separate requests of one moment arrive in any order: wait for each kind.
      const all = await collector.waitFor(
        m => m.slice(first).some(x => x.event === 'search') && ofType(sinceSwitch(m), 'identify').length > 0 && sinceSwitch(m).some(x => x.type === 'page'),
        30_000,
      );
      const second = sinceSwitch(all);
      assert.deepEqual(second.filter(m => m.userId !== hmac(bob.userEntityRef)).map(m => `${m.type} ${m.event ?? ''}`), []);
      const firstIds = new Set(all.slice(0, first).map(m => m.anonymousId));
      assert.ok(second.every(m => !firstIds.has(m.anonymousId)), 'a fresh anonymous id for the second person');
    } finally {
      backend.setGuest(GUEST);
    }
  });

  it('a call captured as the page reloads arrives once, with its capture time, through the backend', async () => {
    collector.clear();
    segment = {};
    const browser = await open();
    // Wait until this load's calls are through, so that only the reload's carry-over is left.
    await collector.waitFor(m => m.some(x => x.type === 'identify'), 20_000);
    const clickedAt = await browser.page.evaluate(() => {
      const at = Date.now();
      /** @type {HTMLElement} */ (document.querySelector('[data-testid=fire-search]')).click();
      location.reload();
      return at;
    });
    await browser.page.waitForSelector('[data-testid=second-link]');
    const messages = await collector.waitFor(m => m.some(x => x.event === 'search'), 20_000);
    const searches = messages.filter(m => m.event === 'search');
    assert.equal(new Set(searches.map(m => m.messageId)).size, 1, 'one search call (retries share a messageId)');
    assert.equal(searches[0].userId, USER_ID);
    assert.ok(Math.abs(Date.parse(searches[0].timestamp) - clickedAt) < 1000, 'its capture time');
    assertFirstParty(browser);
  });

  it('a burst of 100 events captured in one task all arrive through the backend, as the signed-in user', async () => {
    collector.clear();
    segment = {};
    const browser = await open();
    await collector.waitFor(m => m.some(x => x.type === 'identify'), 20_000);
    await browser.page.evaluate(() => {
      const button = /** @type {HTMLElement} */ (document.querySelector('[data-testid=fire-not-found]'));
      for (let i = 0; i < 100; i++) button.click();
    });
    /** @param {Message[]} m */
    const ids = m => new Set(m.filter(x => x.event === 'not-found').map(x => x.messageId));
    const messages = await collector.waitFor(m => ids(m).size >= 100, 60_000);
    assert.equal(ids(messages).size, 100);
    assert.ok(messages.every(m => m.userId === USER_ID), 'every one as the signed-in user');
    assertFirstParty(browser);
  });

  it('the New Frontend System app, configured from app-config alone, sends through the backend too', async () => {
    collector.clear();
    segment = {};
    const browser = await open({ served: nfsApp, path: '/nfs-one', ready: '[data-testid=nfs-one-link]' });
    await browser.page.click('[data-testid=nfs-one-link]');
    await browser.page.waitForSelector('[data-testid=nfs-two]');
    const messages = await collector.waitFor(
      m => m.some(x => x.type === 'page' && x.properties.path === '/nfs-two') && m.some(x => x.event === 'click') &&
        ofType(m, 'identify').length > 0,
      20_000,
    );
    assert.ok(messages.every(m => m.userId === USER_ID), 'the server-computed id on every call');
    assert.ok(ofType(messages, 'identify').length > 0, 'identify');
    assertFirstParty(browser);
  });
});
