// @ts-check
// What every walk through a real app records: the scripts the app served,
// each location its router went through, the title each page settled on, and
// any request to a host other than the app's and the collector's (blocked).
import { openBrowser } from '../support/browser.mjs';

/**
 * @typedef {object} Step
 * @property {string} label what the user did
 * @property {string} url path + query the app ended on
 * @property {string} title document.title once the page settled
 */

/**
 * @typedef {object} WalkResult
 * @property {Step[]} steps
 * @property {string[]} locations every location the app's router went through, in order
 * @property {{ url: string, method: string, body: string }[]} requests every request the page made
 * @property {Map<string, string>} scripts JavaScript served by the app: URL -> source
 * @property {string} indexHtml the HTML the app was served with
 * @property {string[]} blocked requests to anything but the app (and the collector, if given): blocked
 * @property {string[]} errors uncaught page errors
 * @property {number} searchResultsShown results listed for the search query
 */

/**
 * Opens a browser, records the session, runs `walk` in it and closes it; a
 * screenshot of the page is kept when a step fails.
 * @template T
 * @param {{ appUrl: string, collectorUrl?: string, screenshotOnFailure: string }} options
 * @param {(session: Session) => Promise<T>} walk
 * @returns {Promise<T>}
 */
export async function inSession({ appUrl, collectorUrl, screenshotOnFailure }, walk) {
  const browser = await openBrowser();
  try {
    return await walk(await recordSession(browser, { appUrl, collectorUrl }));
  } catch (error) {
    await browser.page.screenshot({ path: screenshotOnFailure }).catch(() => {});
    throw new Error(`${error instanceof Error ? error.message : error}\n(screenshot: ${screenshotOnFailure}; page at ${browser.page.url()})`);
  } finally {
    await browser.close();
  }
}

/**
 * @typedef {Awaited<ReturnType<typeof recordSession>>} Session
 */

/**
 * @param {Awaited<ReturnType<typeof openBrowser>>} browser
 * @param {{ appUrl: string, collectorUrl?: string }} options
 */
async function recordSession(browser, { appUrl, collectorUrl }) {
  const { context, page } = browser;
  page.setDefaultTimeout(60_000);
  /** @type {string[]} */
  const blocked = [];
  const allowed = collectorUrl ? [appUrl, collectorUrl] : [appUrl];
  await context.route(
    url => !allowed.some(origin => url.href.startsWith(origin)) && !url.protocol.startsWith('data'),
    route => {
      blocked.push(route.request().url());
      return route.abort();
    },
  );
  /** @type {Map<string, string>} */
  const scripts = new Map();
  /** @type {Promise<void>[]} */
  const reading = [];
  context.on('response', response => {
    const url = response.url();
    if (url.startsWith(appUrl) && /\.m?js(\?|$)/.test(url)) {
      reading.push(response.text().then(text => void scripts.set(url, text), () => {}));
    }
  });
  // Every location the router goes through (React Router uses pushState/replaceState).
  await context.addInitScript(() => {
    /** @type {any} */ const w = window;
    w.__locations = [];
    const record = () => {
      const here = location.pathname + location.search + location.hash;
      if (w.__locations[w.__locations.length - 1] !== here) w.__locations.push(here);
    };
    for (const method of /** @type {const} */ (['pushState', 'replaceState'])) {
      const original = history[method].bind(history);
      history[method] = (/** @type {any[]} */ ...args) => {
        // @ts-ignore spread of the original arguments
        const result = original(...args);
        record();
        return result;
      };
    }
    addEventListener('popstate', record);
    record();
  });

  /** @type {Step[]} */
  const steps = [];
  return {
    page,
    steps,
    /**
     * Waits for `path`, for what shows the page is there, then for its title
     * to stay the same for a second; records the step.
     * @param {string} label
     * @param {RegExp} path
     * @param {import('playwright-core').Locator} ready
     */
    async arrive(label, path, ready) {
      await page.waitForURL(url => path.test(url.pathname));
      await ready.first().waitFor({ state: 'visible' });
      let title = await page.title();
      for (let stableFor = 0, waited = 0; stableFor < 1000 && waited < 15_000; waited += 100) {
        await page.waitForTimeout(100);
        const now = await page.title();
        stableFor = now === title ? stableFor + 100 : 0;
        title = now;
      }
      const url = await page.evaluate(() => location.pathname + location.search);
      steps.push({ label, url, title });
    },
    /** A link of the sidebar. @param {string} href */
    sidebar: (href) => page.locator(`nav a[href="${href}"]`).first(),
    /**
     * What was recorded so far: every location of this document (a reload starts a new list).
     * @param {string} indexHtml
     * @param {number} searchResultsShown
     * @returns {Promise<WalkResult>}
     */
    async result(indexHtml, searchResultsShown) {
      const locations = await page.evaluate(() => /** @type {any} */ (window).__locations);
      await Promise.all(reading);
      return { steps, locations, requests: [...browser.requests], scripts, indexHtml, blocked, errors: [...browser.errors], searchResultsShown };
    },
  };
}
