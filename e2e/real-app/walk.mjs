// @ts-check
// Clicks through the generated app in headless Chromium the way a user
// would, recording each in-app navigation and the title its page settled on.
// The short walk (backend mode): sign-in, an entity, the API explorer, search.
import { inSession } from './session.mjs';

/**
 * @typedef {import('./session.mjs').Step} Step
 * @typedef {import('./session.mjs').WalkResult} WalkResult
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
  return inSession({ appUrl, collectorUrl, screenshotOnFailure }, session => walk(session, { appUrl, searchTerm, short }));
}

/**
 * @param {import('./session.mjs').Session} session
 * @param {{ appUrl: string, searchTerm: string, short: boolean }} options
 * @returns {Promise<WalkResult>}
 */
async function walk({ page, arrive, sidebar, result }, { appUrl, searchTerm, short }) {
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
  return result(indexHtml, searchResultsShown);
}
