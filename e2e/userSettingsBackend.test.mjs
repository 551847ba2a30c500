// @ts-check
// End-to-end: the user's own choice kept by the user-settings backend, so that
// it follows the user to every browser. The dev app, its StorageApi being
// `UserSettingsStorage` of @backstage/plugin-user-settings, and a real Backstage
// backend (@backstage/backend-defaults: the auth backend with its guest provider,
// and @backstage/plugin-user-settings-backend) share one origin, as in production.
// The module sends straight to the embedded collector.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startCollector } from '../dev/collector/collector.mjs';
import { browserMissing, closeIdleBrowsers, openBrowser } from './support/browser.mjs';
import { buildApp } from './support/buildApp.mjs';
import { serveApp } from './support/serveApp.mjs';

/** Why the backend cannot start here (its own dependencies are not installed), said loudly; or undefined. */
function backendMissing() {
  if (existsSync(new URL('../backend/node_modules/@backstage/plugin-user-settings-backend/package.json', import.meta.url))) {
    return undefined;
  }
  const why = "backend/ has no node_modules: e2e/userSettingsBackend.test.mjs SKIPPED. Run 'npm ci' in backend/ (CI does).";
  console.error(`\n${'!'.repeat(78)}\n${why}\n${'!'.repeat(78)}\n`);
  return why;
}

const missing = browserMissing() ?? backendMissing();
// Loaded only when its dependencies are there.
/** @type {typeof import('../backend/dev/startSegmentBackend.mjs')} */
const { startSegmentBackend } = missing ? /** @type {any} */ ({}) : await import('../backend/dev/startSegmentBackend.mjs');

/** @type {Awaited<ReturnType<typeof startCollector>>} */
let collector;
/** @type {import('../backend/dev/startSegmentBackend.mjs').SegmentBackend} */
let backend;
/** @type {Awaited<ReturnType<typeof serveApp>>} */
let app;
/** @type {Array<{ close: () => Promise<void> }>} */
const browsers = [];

before(async () => {
  if (missing) return;
  collector = await startCollector();
  let backendOrigin = 'http://127.0.0.1:9';
  app = await serveApp(
    await buildApp('dev/index.tsx'),
    origin => ({
      app: {
        title: 'Harness',
        baseUrl: origin,
        analytics: { segment: { writeKey: 'e2e-key', cdnURL: collector.url, apiHost: `http://${collector.apiHost}` } },
      },
      // The app's own origin: its server passes /api/ to the backend.
      backend: { baseUrl: origin },
    }),
    { api: () => backendOrigin },
  );
  collector.allowOrigin(app.url);
  backend = await startSegmentBackend({ upstreamUrl: `${collector.url}/v1`, userSettings: true, config: { app: { baseUrl: app.url } } });
  backendOrigin = backend.baseUrl;
});

after(async () => {
  await Promise.allSettled(browsers.map(b => b.close()));
  await closeIdleBrowsers();
  await app?.close();
  await backend?.stop();
  await collector?.close();
});

/**
 * A fresh browser profile (its own storage and cookies) on the dev app with the user-settings
 * backend's StorageApi, signed in as the backend's guest (after `signInAfterMs` on the sign-in page).
 */
async function openSignedIn(signInAfterMs = 0) {
  const browser = await openBrowser();
  browsers.push(browser);
  await browser.context.addInitScript(() => {
    /** @type {any} */ (window).__SEGMENT_HARNESS__ = { storage: 'user-settings' };
  });
  await browser.page.goto(`${app.url}/playground`);
  await browser.page.getByRole('button', { name: 'Enter' }).waitFor();
  if (signInAfterMs) await browser.page.waitForTimeout(signInAfterMs);
  await browser.page.getByRole('button', { name: 'Enter' }).click();
  await browser.page.waitForSelector('[data-testid=second-link]');
  return {
    ...browser,
    /** Requests this profile made to the collector's Segment endpoints. */
    toCollector: () => browser.requests.filter(r => r.url.startsWith(`${collector.url}/v1/`)),
    /** The card's switch, once the stored choice is known. */
    async openCard() {
      await browser.page.getByRole('link', { name: 'Usage analytics' }).first().click();
      const toggle = browser.page.locator('[data-testid=segment-usage-analytics-switch]');
      await toggle.waitFor();
      await browser.page.waitForFunction(
        () => !document.querySelector('[data-testid=segment-usage-analytics-switch]')?.hasAttribute('disabled'),
      );
      return toggle;
    },
    /** What the module or the library left in this profile: localStorage keys and cookies. */
    async leftInBrowser() {
      const keys = await browser.page.evaluate(() =>
        Object.keys(localStorage).filter(k => k.startsWith('ajs_') || k.startsWith('backstage-segment:') || k.startsWith('persisted-queue')),
      );
      const cookies = (await browser.context.cookies()).map(c => c.name).filter(name => name.startsWith('ajs_'));
      return [...keys, ...cookies];
    },
  };
}

/** The create calls that arrived (tracked under their subject). @param {Array<Record<string, any>>} messages */
const creates = messages => messages.filter(m => m.properties?.action === 'create');

describe('the user-settings backend keeps the choice', { skip: missing }, () => {
  it('switched off in one browser, the same user sends nothing from another, whose card shows off', async () => {
    // Browser A: analytics on (the opt-out default), then the user switches it off.
    const a = await openSignedIn();
    await a.page.click('[data-testid=fire-create]');
    await collector.waitFor(m => creates(m).length > 0, 20_000);
    const toggle = await a.openCard();
    assert.equal(await toggle.isChecked(), true);
    await toggle.click();
    await a.page.waitForFunction(
      () => document.querySelector('[data-testid=segment-usage-analytics-switch]')?.getAttribute('aria-checked') === 'false',
    );
    // Kept by the backend, for this user.
    const { token } = await backend.signIn();
    const res = await fetch(`${backend.baseUrl}/api/user-settings/buckets/default.segment-analytics/keys/consent`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    assert.equal(/** @type {any} */ (await res.json()).value.decision, 'denied');
    // (browser A's calls captured before may still be on their way: only what was captured later must never arrive)
    const since = Date.now();

    // Browser B: nothing shared with A but the user.
    const b = await openSignedIn();
    await b.page.click('[data-testid=fire-create]');
    await b.page.click('[data-testid=second-link]');
    await b.page.waitForSelector('[data-testid=back-link]');
    await b.page.click('[data-testid=back-link]');
    await b.page.waitForSelector('[data-testid=fire-search]');
    await b.page.click('[data-testid=fire-search]');
    const again = await b.openCard();
    assert.equal(await again.isChecked(), false, "the card shows the user's choice, made in the other browser");
    // Past the module's wait for a page's title (at most 3 s after capture).
    await b.page.waitForTimeout(4000);
    assert.deepEqual(b.toCollector().map(r => r.url), [], 'no request to the collector from the other browser');
    assert.deepEqual(collector.messages().filter(m => Date.parse(m.timestamp) >= since), [], 'nothing captured since arrived');
    assert.deepEqual(await b.leftInBrowser(), [], 'nothing of the module or the library in the other browser');
    assert.deepEqual(b.errors, [], 'no uncaught error in the page');
  });

  it("a user who takes longer than consent.waitMs to sign in: nothing is sent before their stored 'no' is read", async () => {
    // Switched off elsewhere (another browser, a consent banner): what the user-settings backend keeps.
    const { token } = await backend.signIn();
    const put = await fetch(`${backend.baseUrl}/api/user-settings/buckets/default.segment-analytics/keys/consent`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ value: { decision: 'denied' } }),
    });
    assert.equal(put.status, 200);
    const since = Date.now();

    // The page view of the sign-in page waits past waitMs (3000 ms): the choice cannot be read before sign-in.
    const c = await openSignedIn(5000);
    await c.page.click('[data-testid=fire-create]');
    const toggle = await c.openCard();
    assert.equal(await toggle.isChecked(), false);
    await c.page.waitForTimeout(4000);
    assert.deepEqual(c.toCollector().map(r => r.url), [], 'no request to the collector');
    assert.deepEqual(collector.messages().filter(m => Date.parse(m.timestamp) >= since), [], 'nothing captured since arrived');
    assert.deepEqual(await c.leftInBrowser(), []);
  });
});
