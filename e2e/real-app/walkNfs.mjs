// @ts-check
// Clicks through the New Frontend System app made by create-app (the module
// found by feature discovery, pseudonymized ids by config): sign-in, home, the
// catalog, an entity, its owner group and a member's page, search, then the
// settings page's "Usage analytics" tab: off, a few pages and a reload while
// off, then on again.
import { EXAMPLE_USER } from './prepareApp.mjs';
import { inSession } from './session.mjs';

/**
 * @typedef {object} ConsentWalk
 * @property {number} receivedBeforeOff calls the collector had received when the switch was turned off
 * @property {string[]} tabs the settings page's tabs
 * @property {boolean} onAtFirst the switch's state when the tab opened
 * @property {boolean} offAfterClick its state after one click
 * @property {boolean} offAfterReload its state after a reload
 * @property {number} sentWhileOff calls the collector received from switching off to switching on again
 * @property {number} sentAfterOn calls it received after switching on again and opening home
 */

/**
 * @param {object} options
 * @param {string} options.appUrl
 * @param {string} options.collectorUrl
 * @param {string} options.searchTerm
 * @param {string} options.screenshotOnFailure
 * @param {() => number} options.received how many calls the collector has received so far
 * @returns {Promise<import('./session.mjs').WalkResult & { consent: ConsentWalk }>}
 */
export async function walkNfsApp({ appUrl, collectorUrl, searchTerm, screenshotOnFailure, received }) {
  return inSession({ appUrl, collectorUrl, screenshotOnFailure }, async ({ page, arrive, sidebar, result }) => {
    const catalogReady = () => page.getByRole('link', { name: 'example-website' });
    const response = await page.goto(appUrl);
    const indexHtml = (await response?.text()) ?? '';
    await page.getByRole('button', { name: 'Enter' }).click();
    await arrive('sign in as guest', /^\/$/, catalogReady());

    await sidebar('/home').click();
    await arrive('home', /^\/home$/, page.getByText('Getting Started'));
    await sidebar('/').click();
    await arrive('catalog', /^\/$/, catalogReady());

    await catalogReady().first().click();
    await arrive('open an entity', /^\/catalog\/default\/component\/example-website/, page.getByText('About', { exact: true }));
    await page.getByRole('link', { name: 'guests' }).first().click();
    const member = page.locator(`a[href$="/user/${EXAMPLE_USER.name}"]`);
    await arrive('its owner group', /^\/catalog\/default\/group\/guests/, member);
    // The member's card is what takes the click (it covers its link).
    await page.locator('article').filter({ has: member }).last().click({ position: { x: 120, y: 20 } });
    await arrive('a member of it', new RegExp(`^/catalog/default/user/${EXAMPLE_USER.name.replace('.', '\\.')}`), page.getByText(EXAMPLE_USER.displayName));

    await page.locator('nav').getByRole('button', { name: 'Search' }).first().click();
    await page.getByRole('textbox').last().fill(searchTerm);
    await page.getByRole('dialog').getByText('example-website').first().waitFor();
    await page.getByRole('dialog').getByRole('button', { name: /view full results/i }).click();
    // Its results highlight the term (<mark>example</mark>-website).
    await arrive('search results', /^\/search/, page.getByText('Result Type'));
    await page.getByRole('link', { name: 'example-website' }).first().waitFor();
    const searchResultsShown = await page.getByRole('listitem').filter({ hasText: /example/i }).count();

    await sidebar('/settings').click();
    await arrive('settings', /^\/settings/, page.getByRole('tab', { name: 'General' }));
    const tabs = await page.getByRole('tab').allInnerTexts();
    await page.getByRole('tab', { name: 'Usage analytics' }).click();
    const toggle = page.getByRole('switch', { name: /usage analytics/i });
    await arrive('usage analytics settings', /^\/settings\/usage-analytics$/, toggle);
    // Let the module hand over what the pages so far captured.
    await page.waitForTimeout(2000);
    const walked = await result(indexHtml, searchResultsShown);

    const onAtFirst = await toggle.isChecked();
    const receivedBeforeOff = received();
    await toggle.click();
    const offAfterClick = !(await toggle.isChecked());
    const atOff = received();
    await sidebar('/home').click();
    await arrive('home (analytics off)', /^\/home$/, page.getByText('Getting Started'));
    await page.reload();
    await arrive('home reloaded (analytics off)', /^\/home$/, page.getByText('Getting Started'));
    await sidebar('/').click();
    await arrive('catalog (analytics off)', /^\/$/, catalogReady());
    await sidebar('/settings').click();
    await page.getByRole('tab', { name: 'Usage analytics' }).click();
    await arrive('usage analytics settings (off)', /^\/settings\/usage-analytics$/, toggle);
    const offAfterReload = !(await toggle.isChecked());
    await page.waitForTimeout(3000);
    const sentWhileOff = received() - atOff;

    await toggle.click();
    await sidebar('/home').click();
    await arrive('home (analytics on again)', /^\/home$/, page.getByText('Getting Started'));
    const sentAfterOn = await waitFor(() => received() - atOff - sentWhileOff, 15_000);
    return { ...walked, consent: { receivedBeforeOff, tabs, onAtFirst, offAfterClick, offAfterReload, sentWhileOff, sentAfterOn } };
  });
}

/**
 * Polls `count` until it is above 0 or `ms` have passed; its last value.
 * @param {() => number} count
 * @param {number} ms
 */
async function waitFor(count, ms) {
  for (const until = Date.now() + ms; count() === 0 && Date.now() < until;) await new Promise(r => setTimeout(r, 250));
  return count();
}
