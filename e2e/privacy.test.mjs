// @ts-check
// End-to-end: the privacy and governance controls in headless Chromium, the
// dev harness sending to the embedded collector. Every assertion is on what
// the browser actually sent (request URLs and bodies) and what arrived.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserMissing, openBrowser } from './support/browser.mjs';
import { TESTS_AT_ONCE, harnessesOfFile, serveHarnessApp } from './support/harness.mjs';
import { sha256 } from './support/sha256.mjs';

const missing = browserMissing();

/** The landing URL of an OAuth redirect: credentials in the query and the fragment. */
const OAUTH_LANDING = '/playground?code=abc&state=xyz#access_token=t';
const EMAIL = 'jane.doe@example.com'; // dev/PrivacyCard.tsx
/** Any trace of the secrets above or of the playground's token link, plain or percent-encoded. */
const SECRET = /code(=|%3D)abc|state(=|%3D)xyz|access_token(=|%3D)t(?![a-z_])|pasted-s3cr3t|jane\.doe(@|%40|%2540)example/i;

const { harness, closeLater } = harnessesOfFile();

/**
 * What went to the collector: every request the browser made to it, URL and
 * body, as one string.
 * @param {{ url: string, body: string }[]} requests
 * @param {string} collectorUrl
 */
function sentTo(requests, collectorUrl) {
  return requests
    .filter(r => r.url.startsWith(collectorUrl))
    .map(r => `${r.url}\n${r.body}`)
    .join('\n');
}

/**
 * Goes through the playground's privacy section: the token link, back, and
 * a search for an e-mail address (which Backstage search puts in the URL too).
 * @param {import('playwright-core').Page} page
 */
async function usePrivacySection(page) {
  await page.click('[data-testid=privacy-token-link]');
  await page.waitForSelector('[data-testid=back-link]');
  await page.click('[data-testid=back-link]');
  await page.waitForSelector('[data-testid=privacy-search-email]');
  await page.click('[data-testid=privacy-search-email]');
  await page.waitForFunction(() => location.search.startsWith('?query='));
}

describe('privacy controls in Chromium', { skip: missing, concurrency: TESTS_AT_ONCE }, () => {
  it('credentials in the URL and an e-mail typed into search never reach the collector; excluded events never do', async () => {
    const h = await harness({
      path: OAUTH_LANDING,
      segment: {
        redact: { emails: true },
        events: { exclude: [{ action: 'discover' }, { action: 'deploy', pluginId: '*' }] },
      },
    });
    const { page, collector } = h;
    assert.match(await page.evaluate(() => location.href), /\?code=abc&state=xyz#access_token=t$/, 'the app was opened on the secret URL');
    // Request headers too: the browser's Referer for requests to the collector.
    /** @type {Promise<string>[]} */
    const referers = [];
    /** @param {import('playwright-core').Request} r */
    const recordReferer = r => {
      if (r.url().startsWith(collector.url)) referers.push(r.allHeaders().then(headers => headers.referer ?? ''));
    };
    h.browser.context.on('request', recordReferer);
    await page.click('[data-testid=fire-not-found]'); // still on the secret URL
    await usePrivacySection(page);
    for (const name of ['discover', 'custom', 'create']) await page.click(`[data-testid=fire-${name}]`);

    // Every call read below (each its own request: they may arrive in any order), then pages in capture order.
    const messages = await collector.waitFor(m =>
      m.some(x => x.event === 'playground-service') && m.some(x => x.event === 'search' && x.properties.value === 2) &&
      m.some(x => x.type === 'page' && x.properties.path === '/second') &&
      m.some(x => x.type === 'page' && String(x.properties.url).includes('?query=')) &&
      m.some(x => x.event === 'click' && String(x.properties.attributes?.to).startsWith('/second')));
    // What arrived is what we meant to look at...
    const pages = messages.filter(m => m.type === 'page').sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
    assert.equal(pages[0].properties.search, '?code=[redacted]&state=[redacted]');
    assert.match(pages[0].properties.url, /\/playground\?code=\[redacted]&state=\[redacted]$/, 'the URL without its fragment, as the library gives it');
    const second = pages.find(p => p.properties.path === '/second');
    assert.ok(second, 'the token link was followed');
    assert.match(second.context.page.url, /\?token=\[redacted]&code=\[redacted]&state=\[redacted]$/);
    const link = messages.find(m => m.event === 'click' && String(m.properties.attributes?.to).startsWith('/second'));
    assert.equal(link?.properties.attributes.to, '/second?token=[redacted]&code=[redacted]&state=[redacted]#access_token=[redacted]');
    const search = messages.find(m => m.event === 'search' && m.properties.value === 2);
    assert.equal(search?.properties.subject, '[redacted]');
    assert.match(pages.at(-1)?.properties.url, /\/playground\?query=\[redacted]$/);
    // ...and none of it carries a secret, in any request body or URL.
    const wire = sentTo(h.browser.requests, collector.url);
    assert.ok(wire.length > 1000, 'requests to the collector were recorded');
    assert.doesNotMatch(wire, SECRET);
    assert.doesNotMatch(JSON.stringify(messages), SECRET);
    // (Not the playground's later polls: their headers would be read after the test, from a closed context.)
    h.browser.context.off('request', recordReferer);
    const referersSeen = await Promise.all(referers);
    assert.ok(referersSeen.length > 0);
    assert.doesNotMatch(referersSeen.join('\n'), SECRET);
    // Excluded events: not sent at all.
    assert.deepEqual(messages.filter(m => m.event === 'discover' || m.event === 'deploy'), []);
    assert.doesNotMatch(wire, /"discover"|"deploy"|Search result: Segment module/);
    assert.deepEqual(h.browser.errors, []);
  });

  it("with sha-256: the user's own profile page, traits another analytics.js stored, a credential with encoded separators: nothing in clear", async () => {
    const userId = sha256('user:default/guest');
    // Encoded `&`, `#`, `?` inside credential values; a nested URL encoded twice; a credential in a campaign.
    const query = '?code=SECRa%26SECRb%23SECRc%3FSECRd&next=%252Fcb%253Ftoken%253DSECRe%2526x%253D1&utm_source=%3Fsig%3DSECRf';
    const h = await harness({
      path: `/catalog/default/user/guest${query}`,
      ready: '[data-testid=entity-click]',
      segment: { userIdTransform: 'sha-256', redact: { emails: true }, agent: { initialPageView: true } },
      init: {
        script: () => {
          localStorage.setItem('ajs_user_traits', JSON.stringify({ email: 'jane.doe@example.com', ref: 'user:default/guest', note: 'SECRg' }));
          localStorage.setItem('ajs_group_properties', JSON.stringify({ name: 'SECRh-team' }));
        },
      },
    });
    const { page, collector } = h;
    assert.match(await page.evaluate(() => location.pathname), /^\/catalog\/default\/user\/guest$/);
    await page.click('[data-testid=entity-click]');
    await page.click('[data-testid=entity-tab-link]');
    await page.waitForFunction(() => location.pathname.endsWith('/ownership'));

    const messages = await collector.waitFor(
      m => m.some(x => x.type === 'identify') && m.some(x => x.event === 'click' && x.properties.subject === 'Edit entity') &&
        m.some(x => x.type === 'page' && String(x.properties.path).endsWith('/ownership')),
    );
    // Nothing of it in any request to the collector, URL or body, nor in the Referer the browser sent.
    const wire = sentTo(h.browser.requests, collector.url);
    assert.doesNotMatch(wire, /SECR|guest|jane\.doe|example\.com/i);
    // The traits are the module's: none.
    const identify = messages.find(m => m.type === 'identify');
    assert.deepEqual([identify?.userId, identify?.traits], [userId, {}]);
    // The profile page is the user's pseudonym's, in the module's calls and the library's own.
    const own = `/catalog/default/user/${userId}`;
    for (const m of messages) assert.ok(m.context.page.path.startsWith(own), `${m.type}: ${m.context.page.path}`);
    const click = messages.find(m => m.event === 'click' && m.properties.subject === 'Edit entity');
    assert.equal(click?.properties.additionalContext.entityRef, userId);
    assert.equal(click?.context.page.title, `${userId} | Harness`);
    // Credential values whole, at any depth of encoding; the library's campaign too.
    const first = messages.find(m => m.type === 'identify');
    assert.equal(first?.context.page.search, '?code=[redacted]&next=%252Fcb%253Ftoken%253D[redacted]%2526x%253D1&utm_source=%3Fsig%3D[redacted]');
    assert.deepEqual(first?.context.campaign, { source: '?sig=[redacted]' });
    assert.deepEqual(h.browser.errors, []);
  });

  it("redact.searchTerms 'sha-256': the term arrives as its digest, repeats count, and the URL holds no term", async () => {
    const h = await harness({ segment: { redact: { searchTerms: 'sha-256' } } });
    const { page, collector } = h;
    await usePrivacySection(page);
    await page.click('[data-testid=privacy-search-email]');
    const messages = await collector.waitFor(m => m.filter(x => x.event === 'search' && x.properties.value === 2).length >= 2);
    const digest = sha256(EMAIL);
    const searches = messages.filter(x => x.event === 'search' && x.properties.value === 2);
    assert.deepEqual(searches.map(s => s.properties.subject), [digest, digest]);
    // The playground's own search (not the e-mail) is hashed too.
    await page.click('[data-testid=fire-search]');
    const all = await collector.waitFor(m => m.some(x => x.event === 'search' && x.properties.value === 12));
    const other = all.find(x => x.event === 'search' && x.properties.value === 12);
    assert.equal(other?.properties.subject, sha256('segment analytics'));
    assert.doesNotMatch(sentTo(h.browser.requests, collector.url), SECRET);
  });

  it('keeps the drop-in payload with no key set, but for the credentials', async () => {
    const h = await harness({});
    const { page, collector } = h;
    await usePrivacySection(page);
    const messages = await collector.waitFor(m =>
      m.some(x => x.event === 'search' && x.properties.value === 2) && m.some(x => x.type === 'page' && x.properties.path === '/second'));
    const search = messages.find(x => x.event === 'search' && x.properties.value === 2);
    assert.equal(search?.properties.subject, EMAIL, 'search terms are sent as typed unless redact.searchTerms is set');
    const second = messages.find(m => m.type === 'page' && m.properties.path === '/second');
    assert.match(second?.properties.url, /\/second\?token=\[redacted]&code=\[redacted]&state=\[redacted]$/);
    assert.doesNotMatch(sentTo(h.browser.requests, collector.url), /pasted-s3cr3t|code=abc|state=xyz/);
  });

  for (const [signal, script] of /** @type {const} */ ([
    ['Global Privacy Control', () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })],
    ['Do Not Track', () => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' })],
  ])) {
    it(`respectGlobalPrivacyControl: a browser sending ${signal} gets nothing loaded, sent or stored; one info line`, async () => {
      // The init script must be in place before the app's first load: no startHarness here.
      const { collector, app } = closeLater(await serveHarnessApp({ segment: { writeKey: 'gpc', respectGlobalPrivacyControl: true } }));
      const browser = closeLater(await openBrowser());
      await browser.context.addInitScript(script);
      /** @type {string[]} */
      const infos = [];
      browser.page.on('console', message => {
        if (message.type() === 'info' && message.text().includes('Segment analytics')) infos.push(message.text());
      });
      await browser.page.goto(`${app.url}/playground`);
      await browser.page.getByRole('button', { name: 'Enter' }).click();
      await browser.page.waitForSelector('[data-testid=second-link]');
      await usePrivacySection(browser.page);
      for (const name of ['search', 'create', 'custom']) await browser.page.click(`[data-testid=fire-${name}]`);
      await browser.page.waitForTimeout(1500);

      // The playground's own view polls /events.json; the module makes no request at all.
      const fromModule = collector.requests().filter(r => r.path !== '/events.json');
      assert.deepEqual(fromModule, []);
      assert.equal(collector.messages().length, 0);
      const { keys, cookie } = await browser.page.evaluate(() => ({ keys: Object.keys(localStorage), cookie: document.cookie }));
      assert.deepEqual(keys.filter(k => /ajs|segment|persisted-queue/i.test(k)), []);
      assert.doesNotMatch(cookie, /ajs_/);
      assert.equal(infos.length, 1, JSON.stringify(infos));
      assert.match(infos[0], new RegExp(signal));
    });
  }
});
