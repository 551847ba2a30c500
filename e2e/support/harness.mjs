// Starts what one end-to-end test needs: the embedded collector, the dev app
// (built once per test file) served with the test's config, and Chromium.
import { after } from 'node:test';
import { startCollector } from '../../dev/collector/collector.mjs';
import { openBrowser } from './browser.mjs';
import { buildApp } from './buildApp.mjs';
import { serveApp } from './serveApp.mjs';

/**
 * @param {object} [options]
 * @param {object} [options.segment] overrides of app.analytics.segment (undefined removes a key)
 * @param {string} [options.entry] the app to build (default: the legacy dev app)
 * @param {string} [options.hostName] host name the browser uses for the app (default 127.0.0.1)
 * @param {string[]} [options.browserArgs] extra Chromium flags
 * @param {object} [options.knobs] window.__SEGMENT_HARNESS__ for the dev app
 * @param {string} [options.path] first path to open (default /playground)
 * @param {boolean} [options.signIn] sign in as guest (default true)
 * @param {{ script: (arg: any) => void, arg?: any }} [options.init] runs in every page before its scripts (storage left by others, say)
 * @param {string} [options.ready] what shows once signed in (default: the playground's second-page link)
 */
export async function startHarness({
  segment = {},
  entry = 'dev/index.tsx',
  hostName,
  browserArgs = [],
  knobs,
  path = '/playground',
  signIn = true,
  init,
  ready = '[data-testid=second-link]',
} = {}) {
  const dir = await buildApp(entry);
  const collector = await startCollector();
  const app = await serveApp(
    dir,
    origin => ({
      app: {
        title: 'Harness',
        baseUrl: origin,
        analytics: {
          segment: { writeKey: 'e2e-key', cdnURL: collector.url, apiHost: `http://${collector.apiHost}`, ...segment },
        },
      },
      backend: { baseUrl: 'http://127.0.0.1:9' },
    }),
    { hostName },
  );
  // The dev app's origin may use the collector even when it is not a loopback name.
  collector.allowOrigin(app.url);
  const browser = await openBrowser({ args: browserArgs });
  const { page } = browser;
  if (knobs) await browser.context.addInitScript(k => { window.__SEGMENT_HARNESS__ = k; }, knobs);
  if (init) await browser.context.addInitScript(init.script, init.arg);
  await page.goto(app.url + path);
  if (signIn) {
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.waitForSelector(ready);
  }
  return {
    collector,
    app,
    browser,
    page,
    /** Requests the page made to anything but the app's own server. */
    outsideRequests: () => browser.requests.filter(r => !r.url.startsWith(app.url)),
    async close() {
      await browser.close();
      await app.close();
      await collector.close();
    },
  };
}

/**
 * For one test file: starts harnesses, and keeps them (and anything else
 * given to `closeLater`) to be closed once every test of the file has run.
 */
export function harnessesOfFile() {
  /** @type {Array<{ close: () => unknown }>} */
  const open = [];
  after(() => Promise.all(open.map(c => c.close())));
  /**
   * @template {{ close: () => unknown }} T
   * @param {T} closable
   * @returns {T}
   */
  const closeLater = closable => {
    open.push(closable);
    return closable;
  };
  return {
    closeLater,
    /** @param {Parameters<typeof startHarness>[0]} [options] */
    harness: async options => closeLater(await startHarness(options)),
  };
}

/**
 * Signs in as guest when the dev app asks (a fresh page of the profile), and
 * waits for the playground.
 * @param {import('playwright-core').Page} page
 */
export async function signInIfAsked(page) {
  const enter = page.getByRole('button', { name: 'Enter' });
  await Promise.race([enter.waitFor({ timeout: 30000 }), page.waitForSelector('[data-testid=second-link]', { timeout: 30000 })]);
  if (await enter.isVisible()) await enter.click();
  await page.waitForSelector('[data-testid=second-link]', { timeout: 30000 });
}
