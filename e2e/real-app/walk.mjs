// @ts-check
// Clicks through the generated app in headless Chromium the way a user
// would, recording each in-app navigation and the title its page settled on.
// The short walk (backend mode): sign-in, an entity, the API explorer, search.
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
 * @param {object} options
 * @param {string} options.appUrl where the app is served
 * @param {string} [options.collectorUrl] the embedded collector, which the page may reach too
 * @param {string} options.searchTerm
 * @param {string} options.screenshotOnFailure where to save what the page showed when a step failed
 * @param {boolean} [options.short] skip the entity tabs, the scaffolder and TechDocs
 * @returns {Promise<WalkResult>}
 */
export async function walkApp({ appUrl, collectorUrl, searchTerm, screenshotOnFailure, short = false }) {
  const browser = await openBrowser();
  try {
    return await walk(browser, { appUrl, collectorUrl, searchTerm, short });
  } catch (error) {
    await browser.page.screenshot({ path: screenshotOnFailure }).catch(() => {});
    throw new Error(`${error instanceof Error ? error.message : error}\n(screenshot: ${screenshotOnFailure}; page at ${browser.page.url()})`);
  } finally {
    await browser.close();
  }
}

/**
 * @param {Awaited<ReturnType<typeof openBrowser>>} browser
 * @param {{ appUrl: string, collectorUrl?: string, searchTerm: string, short: boolean }} options
 * @returns {Promise<WalkResult>}
 */
async function walk(browser, { appUrl, collectorUrl, searchTerm, short }) {
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
  /**
   * Waits for `path`, for what shows the page is there, then for its title
   * to stay the same for a second; records the step.
   * @param {string} label
   * @param {RegExp} path
   * @param {import('playwright-core').Locator} ready
   */
  const arrive = async (label, path, ready) => {
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
  };
  const sidebar = (/** @type {string} */ href) => page.locator(`nav a[href="${href}"]`).first();
  const tab = (/** @type {string} */ name) => page.getByRole('tab', { name, exact: true });

  const response = await page.goto(appUrl);
  const indexHtml = (await response?.text()) ?? '';
  await page.getByRole('button', { name: 'Enter' }).click();
  await arrive('sign in as guest', /^\/catalog$/, page.getByRole('link', { name: 'example-website' }));

  await page.getByRole('link', { name: 'example-website' }).first().click();
  const entity = /^\/catalog\/default\/component\/example-website/;
  await arrive('open an entity', entity, tab('Overview'));
  for (const name of short ? [] : ['CI/CD', 'Dependencies', 'Docs', 'Overview']) {
    await tab(name).click();
    await arrive(`entity tab ${name}`, entity, page.getByRole('tab', { name, selected: true }));
  }

  await sidebar('/api-docs').click();
  await arrive('APIs', /^\/api-docs$/, page.getByRole('link', { name: 'example-grpc-api' }));

  if (!short) {
    await sidebar('/create').click();
    await arrive('scaffolder', /^\/create/, page.getByText('Example Node.js Template'));

    await sidebar('/docs').click();
    await arrive('TechDocs', /^\/docs/, page.getByRole('heading', { name: /Documentation/ }));
  }

  // Search: the sidebar's search modal, a query, then its full results page.
  await page.locator('nav').getByRole('button', { name: 'Search' }).first().click();
  const input = page.getByRole('textbox').last();
  await input.fill(searchTerm);
  await page.getByRole('dialog').getByText('example-website').first().waitFor();
  await page.getByRole('dialog').getByRole('button', { name: /view full results/i }).click();
  await arrive('search results', /^\/search/, page.getByRole('main').getByText('example-website'));
  const searchResultsShown = await page.getByRole('main').getByRole('listitem').filter({ hasText: /example/ }).count();

  await sidebar('/catalog').click();
  await arrive('back home', /^\/catalog$/, page.getByRole('link', { name: 'example-website' }));

  // Let the module hand over what the last page captured.
  await page.waitForTimeout(2000);
  const locations = await page.evaluate(() => /** @type {any} */ (window).__locations);
  await Promise.all(reading);
  return { steps, locations, requests: [...browser.requests], scripts, indexHtml, blocked, errors: [...browser.errors], searchResultsShown };
}
