// @ts-check
// Starts what one end-to-end test needs: the embedded collector, the dev app
// (bundled once, see buildApp.mjs) served with the test's config, and a fresh
// browser context on the Chromium the test process shares (see browser.mjs).
import { after } from 'node:test';
import { startCollector } from '../../dev/collector/collector.mjs';
import { closeIdleBrowsers, openBrowser } from './browser.mjs';
import { buildApp } from './buildApp.mjs';
import { serveApp } from './serveApp.mjs';

/**
 * How many tests of a file run at once: the `concurrency` of a file's
 * `describe` whose tests are independent (each starts its own collector, app
 * server and browser context, on the Chromium the file's process shares), so
 * that their waits (the library loading, retries, "nothing more arrives"
 * windows) overlap. `E2E_TESTS_AT_ONCE` (set by dev/test.mjs; 1: one at a time).
 */
export const TESTS_AT_ONCE = testsAtOnce(process.env.E2E_TESTS_AT_ONCE);

/** @param {string | undefined} value */
function testsAtOnce(value) {
  const n = Number(value ?? 3);
  if (!Number.isInteger(n) || n < 1) throw new Error(`E2E_TESTS_AT_ONCE must be a positive whole number; got ${value}`);
  return n;
}

/**
 * @typedef {object} AppOptions
 * @property {object} [segment] overrides of app.analytics.segment (undefined removes a key)
 * @property {object} [app] more keys of `app` (`title`, `extensions`, ...)
 * @property {string} [entry] the app to build (default: the legacy dev app)
 * @property {string} [hostName] host name the browser uses for the app (default 127.0.0.1)
 */

/**
 * Starts the embedded collector and serves the app (bundled once, see
 * buildApp.mjs) configured to send to it: what a test needs besides a browser.
 * @param {AppOptions} [options]
 */
export async function serveHarnessApp({ segment = {}, app: appConfig = {}, entry = 'dev/index.tsx', hostName } = {}) {
  const dir = await buildApp(entry);
  const collector = await startCollector();
  try {
    const app = await serveApp(
      dir,
      origin => ({
        app: {
          title: 'Harness',
          baseUrl: origin,
          analytics: {
            segment: { writeKey: 'e2e-key', cdnURL: collector.url, apiHost: `http://${collector.apiHost}`, ...segment },
          },
          ...appConfig,
        },
        backend: { baseUrl: 'http://127.0.0.1:9' },
      }),
      { hostName },
    );
    // The dev app's origin may use the collector even when it is not a loopback name.
    collector.allowOrigin(app.url);
    return {
      collector,
      app,
      async close() {
        await app.close();
        await collector.close();
      },
    };
  } catch (error) {
    await collector.close();
    throw error;
  }
}

/**
 * Starts the collector and the app (see {@link serveHarnessApp}) and opens the
 * app in a fresh browser context, signed in as guest.
 * @param {AppOptions & {
 *   browserArgs?: string[],
 *   backForwardCache?: boolean,
 *   knobs?: object,
 *   path?: string,
 *   signIn?: boolean,
 *   init?: { script: (arg: any) => void, arg?: any },
 *   ready?: string,
 * }} [options] also: `browserArgs`, extra Chromium flags; `knobs`, window.__SEGMENT_HARNESS__
 *   for the dev app; `path`, the first path to open (default /playground); `signIn`, sign in as
 *   guest (default true); `init`, a script run in every page before its own (storage left by
 *   others, say); `ready`, what shows once signed in (default: the playground's second-page link);
 *   `backForwardCache`, the browser keeps pages left in its back/forward cache
 */
export async function startHarness({
  browserArgs = [],
  backForwardCache = false,
  knobs,
  path = '/playground',
  signIn = true,
  init,
  ready = '[data-testid=second-link]',
  ...appOptions
} = {}) {
  const served = await serveHarnessApp(appOptions);
  const { collector, app } = served;
  /** @type {Awaited<ReturnType<typeof openBrowser>> | undefined} */
  let browser;
  try {
    browser = await openBrowser({ args: browserArgs, backForwardCache });
    const { page } = browser;
    if (knobs) await browser.context.addInitScript(k => { /** @type {any} */ (window).__SEGMENT_HARNESS__ = k; }, knobs);
    if (init) await browser.context.addInitScript(init.script, init.arg);
    await page.goto(app.url + path);
    if (signIn) {
      await page.getByRole('button', { name: 'Enter' }).click();
      await page.waitForSelector(ready);
    }
  } catch (error) {
    await browser?.close();
    await served.close();
    throw error;
  }
  const opened = browser;
  return {
    collector,
    app,
    browser: opened,
    page: opened.page,
    /** Requests the page made to anything but the app's own server. */
    outsideRequests: () => opened.requests.filter(r => !r.url.startsWith(app.url)),
    async close() {
      await opened.close();
      await served.close();
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
  after(async () => {
    const closed = await Promise.allSettled(open.map(c => c.close()));
    await closeIdleBrowsers();
    for (const c of closed) if (c.status === 'rejected') throw c.reason;
  });
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
