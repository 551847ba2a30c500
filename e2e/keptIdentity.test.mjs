// @ts-check
// End-to-end: nothing users keep may change. The dev harness in headless
// Chromium against the embedded collector: the anonymous id across a reload
// and a new tab, and a browser that @segment/analytics-next itself used
// first, as the public Backstage Segment plugin uses it (default options:
// cookie and localStorage `ajs_anonymous_id`, `ajs_user_id`), that identity
// as the library left it, or only part of it, and switching back and forth
// between the two. What the library itself picks from the same storage is
// asked of the library (its own bundle, in a fresh profile holding a copy);
// every assertion is on what arrived on the wire, or on what the browser keeps.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { browserMissing, openBrowser } from './support/browser.mjs';
import { TESTS_AT_ONCE, harnessesOfFile, serveHarnessApp, signInIfAsked } from './support/harness.mjs';
import { sha256 } from './support/sha256.mjs';

const GUEST = 'user:default/guest';
const ALICE = 'user:default/alice';
const GUEST_SHA256 = sha256(GUEST);
const missing = browserMissing();
const { harness, closeLater } = harnessesOfFile();

/** @segment/analytics-next's own browser bundle (UMD, global `AnalyticsNext`), the version this module runs on. */
const LIBRARY = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve('@segment/analytics-next/package.json')), 'dist', 'umd', 'index.js'),
  'utf8',
);

/** Where the public plugin's page is (the app's origin, without the app). */
const PLUGIN_PATH = '/public-plugin';

/** @typedef {Record<string, any>} Message */
/** @typedef {Awaited<ReturnType<typeof serveHarnessApp>>} Served */
/** @typedef {import('playwright-core').BrowserContext} Context */
/** @typedef {{ cookies: import('playwright-core').Cookie[], local: Record<string, string> }} Kept */

/**
 * A page of `context` on the app's origin with the app's script left out:
 * the origin's cookies and localStorage, and nothing of this module.
 * @param {Context} context
 * @param {string} appUrl
 */
async function bareOriginPage(context, appUrl) {
  const page = await context.newPage();
  await page.route(`${appUrl}/index.js`, route => route.abort());
  await page.goto(`${appUrl}${PLUGIN_PATH}`);
  return page;
}

/**
 * The public Backstage Segment plugin (backstage/community-plugins,
 * analytics-provider-segment) in `context`: `new AnalyticsBrowser()` loaded
 * with `{ writeKey }` and default options (only its CDN is the collector), an
 * identify of `userId` (that plugin sends the SHA-256 of the entity ref) and a
 * track call. Resolves with the anonymous id both calls carried.
 * @param {Served} served
 * @param {Context} context
 * @param {string} userId
 */
async function publicPlugin(served, context, userId) {
  const page = await bareOriginPage(context, served.app.url);
  await page.addScriptTag({ content: LIBRARY });
  const marker = randomUUID();
  await page.evaluate(
    async ({ cdnURL, id, mark }) => {
      const analytics = new /** @type {any} */ (window).AnalyticsNext.AnalyticsBrowser();
      analytics.load({ writeKey: 'e2e-key', cdnURL });
      await analytics.identify(id, {}, {});
      await analytics.track('public-plugin', { marker: mark }, {});
    },
    { cdnURL: served.collector.url, id: userId, mark: marker },
  );
  const messages = await served.collector.waitFor(m => m.some(x => x.properties?.marker === marker), 20000);
  const track = /** @type {Message} */ (messages.find(x => x.properties?.marker === marker));
  await page.close();
  const identify = messages.filter(x => x.type === 'identify' && x.context.page.path === PLUGIN_PATH).at(-1);
  assert.equal(identify?.userId, userId);
  assert.equal(track.userId, userId);
  assert.equal(identify?.anonymousId, track.anonymousId, 'the library sent its identify and track with one anonymous id');
  return /** @type {string} */ (track.anonymousId);
}

/**
 * The identity the library keeps on the app's origin in `context`: its
 * `ajs_` cookies and localStorage entries, as stored.
 * @param {Context} context
 * @param {string} appUrl
 * @returns {Promise<Kept>}
 */
async function keptIn(context, appUrl) {
  const cookies = (await context.cookies(appUrl)).filter(c => c.name.startsWith('ajs_'));
  const page = await bareOriginPage(context, appUrl);
  const local = await page.evaluate(() => Object.fromEntries(Object.entries(localStorage).filter(([key]) => key.startsWith('ajs_'))));
  await page.close();
  return { cookies, local };
}

/** @param {Kept} kept @param {string} name */
const cookie = (kept, name) => kept.cookies.find(c => c.name === name)?.value;

/**
 * The anonymous id @segment/analytics-next itself (as the public plugin uses
 * it) sends for `userId` in a fresh browser profile holding `kept`: what the
 * library picks from that storage.
 * @param {Served} served
 * @param {Kept} kept
 * @param {string} userId
 */
async function libraryPicks(served, kept, userId) {
  const copy = closeLater(await openBrowser());
  await copy.context.addCookies(kept.cookies);
  const page = await bareOriginPage(copy.context, served.app.url);
  await page.evaluate(entries => {
    for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value);
  }, kept.local);
  await page.close();
  assert.deepEqual(await keptIn(copy.context, served.app.url), kept, 'the copy holds the same identity');
  return publicPlugin(served, copy.context, userId);
}

/**
 * Signs `page` in as guest (on the playground) if asked, fires a search, and
 * resolves with this module's messages from `from` on (the collector's
 * count before the page was opened) once its identify and the search have arrived.
 * Resends of events an earlier page captured (the same messageId: kept when
 * that page was closed, by this module or by the library) are left out: they
 * carry that page's identity, as they should.
 * @param {Served['collector']} collector
 * @param {import('playwright-core').Page} page
 * @param {number} from
 */
async function searchOn(collector, page, from) {
  await signInIfAsked(page);
  await page.click('[data-testid=fire-search]');
  const before = new Set(collector.messages().slice(0, from).map(m => m.messageId));
  const mine = (/** @type {Message[]} */ m) => m.slice(from).filter(x => x.context.page.path !== PLUGIN_PATH && !before.has(x.messageId));
  const messages = await collector.waitFor(m => mine(m).some(x => x.type === 'identify') && mine(m).some(x => x.event === 'search'), 20000);
  return mine(messages);
}

/**
 * Opens the app (the playground) in a new page of `context`, signed in as
 * guest (or as `userEntityRef`), fires a search; resolves with the page and
 * this module's messages of it.
 * @param {Served} served
 * @param {Context} context
 * @param {string} [userEntityRef]
 */
async function moduleSession(served, context, userEntityRef) {
  const from = served.collector.messages().length;
  const page = await context.newPage();
  page.on('dialog', d => void d.accept());
  if (userEntityRef) await page.addInitScript(k => { /** @type {any} */ (window).__SEGMENT_HARNESS__ = k; }, { userEntityRef });
  await page.goto(`${served.app.url}/playground`);
  return { page, messages: await searchOn(served.collector, page, from) };
}

/**
 * Every message carries `anonymousId` and `userId`.
 * @param {Message[]} messages @param {string} anonymousId @param {string} userId @param {string} what
 */
function allCarry(messages, anonymousId, userId, what) {
  assert.ok(messages.some(m => m.type === 'identify') && messages.some(m => m.event === 'search'), what);
  for (const m of messages) {
    assert.equal(m.anonymousId, anonymousId, `${what}: the ${m.type} ${m.event ?? ''} carries anonymousId ${m.anonymousId}`);
    assert.equal(m.userId, userId, `${what}: the ${m.type} ${m.event ?? ''} carries userId ${m.userId}`);
  }
}

/**
 * The public plugin's identity for the guest, as the library left it, then
 * changed by `change` (in a page of the origin, without the app), after which
 * the browser holds the anonymous ids `holds` says (cookie, localStorage as
 * stored): this module must then send the anonymous id the library itself
 * picks from that storage, which must be `expected`. In each,
 * `made` is the id the library made, `other` one the change wrote.
 * @type {Array<{
 *   name: string,
 *   change: (page: import('playwright-core').Page, context: Context, other: string) => Promise<unknown>,
 *   holds: (made: string, other: string) => [string | undefined, string | undefined],
 *   expected: (made: string, other: string) => string,
 * }>}
 */
const PARTLY_KEPT = [
  {
    name: 'its cookies only (localStorage cleared)',
    change: page => page.evaluate(() => Object.keys(localStorage).filter(k => k.startsWith('ajs_')).forEach(k => localStorage.removeItem(k))),
    holds: made => [made, undefined],
    expected: made => made,
  },
  {
    name: 'its localStorage only (cookies cleared)',
    change: (_page, context) => context.clearCookies({ name: /^ajs_/ }),
    holds: made => [undefined, JSON.stringify(made)],
    expected: made => made,
  },
];

/**
 * Searches on the first load, after a reload and in a new tab of `h`: every
 * call carries one anonymous id and the guest; returns that id.
 * @param {Awaited<ReturnType<typeof harness>>} h
 * @returns {Promise<string>}
 */
async function sameIdentityAcrossLoads(h) {
  const first = await searchOn(h.collector, h.page, 0);
  const anonymousId = first.find(m => m.type === 'identify')?.anonymousId;
  assert.ok(anonymousId);
  allCarry(first, anonymousId, GUEST, 'first load');

  let from = h.collector.messages().length;
  await h.page.reload();
  allCarry(await searchOn(h.collector, h.page, from), anonymousId, GUEST, 'after a reload');

  from = h.collector.messages().length;
  const tab = await h.browser.context.newPage();
  tab.on('dialog', d => void d.accept());
  await tab.goto(`${h.app.url}/playground`);
  allCarry(await searchOn(h.collector, tab, from), anonymousId, GUEST, 'in a new tab');
  return anonymousId;
}

describe('what users keep (Chromium, embedded collector)', { skip: missing, concurrency: TESTS_AT_ONCE }, () => {
  it('the anonymous id and the user survive a reload and a new tab; the browser keeps them in the library\'s format', async () => {
    const h = await harness();
    const anonymousId = await sameIdentityAcrossLoads(h);

    // In @segment/analytics-next's format: the cookies as they are (js-cookie), localStorage JSON-encoded.
    const kept = await keptIn(h.browser.context, h.app.url);
    assert.equal(cookie(kept, 'ajs_anonymous_id'), anonymousId);
    assert.equal(cookie(kept, 'ajs_user_id'), GUEST);
    assert.equal(kept.local.ajs_anonymous_id, JSON.stringify(anonymousId));
    assert.equal(kept.local.ajs_user_id, JSON.stringify(GUEST));
    assert.deepEqual(h.browser.errors, []);
  });

  it('agent.disableCookies: no cookie at all, on the host or the site\'s domain; the identity survives a reload and a new tab in localStorage', async () => {
    const h = await harness({
      hostName: 'backstage.example.test',
      browserArgs: ['--host-resolver-rules=MAP *.example.test 127.0.0.1'],
      segment: { agent: { disableCookies: true } },
    });
    const anonymousId = await sameIdentityAcrossLoads(h);

    // Every cookie the browser holds for the site and any page under its domain: none.
    assert.deepEqual(await h.browser.context.cookies(['http://www.example.test/', h.app.url]), []);
    const kept = await keptIn(h.browser.context, h.app.url);
    assert.equal(kept.local.ajs_anonymous_id, JSON.stringify(anonymousId));
    assert.deepEqual(h.browser.errors, []);
  });

  it('a browser the public Segment plugin used keeps its anonymous id with this module (same user id), and back', async () => {
    const served = closeLater(await serveHarnessApp({ segment: { userIdTransform: 'sha-256' } }));
    const browser = closeLater(await openBrowser());
    const made = await publicPlugin(served, browser.context, GUEST_SHA256);
    // What the library leaves, with default options: cookies as they are, localStorage JSON-encoded.
    const kept = await keptIn(browser.context, served.app.url);
    assert.equal(cookie(kept, 'ajs_anonymous_id'), made);
    assert.equal(cookie(kept, 'ajs_user_id'), GUEST_SHA256);
    assert.equal(kept.local.ajs_anonymous_id, JSON.stringify(made));
    assert.equal(kept.local.ajs_user_id, JSON.stringify(GUEST_SHA256));
    assert.equal(kept.cookies.find(c => c.name === 'ajs_anonymous_id')?.sameSite, 'Lax');

    const { page, messages } = await moduleSession(served, browser.context);
    allCarry(messages, made, GUEST_SHA256, 'this module, after the public plugin');
    await page.close();
    // Back to the public plugin: the library reads what this module kept, and keeps the same id.
    assert.equal(await publicPlugin(served, browser.context, GUEST_SHA256), made, 'the library, after this module');
    assert.deepEqual(browser.errors, []);
  });

  for (const { name, change, holds, expected } of PARTLY_KEPT) {
    it(`the public plugin's identity, ${name}: this module sends the anonymous id the library itself picks`, async () => {
      const served = closeLater(await serveHarnessApp({ segment: { userIdTransform: 'sha-256' } }));
      const browser = closeLater(await openBrowser());
      const made = await publicPlugin(served, browser.context, GUEST_SHA256);
      const other = randomUUID();
      const page = await bareOriginPage(browser.context, served.app.url);
      await change(page, browser.context, other);
      await page.close();
      const kept = await keptIn(browser.context, served.app.url);
      assert.deepEqual([cookie(kept, 'ajs_anonymous_id'), kept.local.ajs_anonymous_id], holds(made, other), 'the browser holds the changed identity');

      const picked = await libraryPicks(served, kept, GUEST_SHA256);
      assert.equal(picked, expected(made, other), 'the library picks as its code says');
      const { messages } = await moduleSession(served, browser.context);
      allCarry(messages, picked, GUEST_SHA256, 'this module');
    });
  }

  it('another user\'s identity kept by the public plugin: a fresh anonymous id, as the library itself makes one', async () => {
    const served = closeLater(await serveHarnessApp({ segment: { userIdTransform: 'sha-256' } }));
    const browser = closeLater(await openBrowser());
    const alices = await publicPlugin(served, browser.context, sha256(ALICE));
    const kept = await keptIn(browser.context, served.app.url);
    assert.notEqual(await libraryPicks(served, kept, GUEST_SHA256), alices, 'the library itself: a new user id, a new anonymous id');

    const { messages } = await moduleSession(served, browser.context);
    const fresh = messages.find(m => m.type === 'identify')?.anonymousId;
    assert.ok(fresh && fresh !== alices, `the guest's identify carries ${fresh}, Alice's was ${alices}`);
    allCarry(messages, fresh, GUEST_SHA256, 'this module, after Alice');
  });

  it('back and forth: this module as guest, the public plugin as Alice, this module as guest: none of Alice\'s ids, as with the library', async () => {
    const served = closeLater(await serveHarnessApp({ segment: { userIdTransform: 'sha-256' } }));
    const browser = closeLater(await openBrowser());
    const first = await moduleSession(served, browser.context);
    allCarry(first.messages, first.messages[0]?.anonymousId, GUEST_SHA256, 'this module, first');
    await first.page.close();
    // Back to the public plugin, Alice signs in: the library gives her a new anonymous id.
    const alices = await publicPlugin(served, browser.context, sha256(ALICE));
    assert.notEqual(alices, first.messages[0]?.anonymousId);
    const kept = await keptIn(browser.context, served.app.url);
    assert.notEqual(await libraryPicks(served, kept, GUEST_SHA256), alices, 'the library itself: the guest after Alice, a new anonymous id');
    // This module again, the guest.
    const { messages } = await moduleSession(served, browser.context);
    const sent = messages.find(m => m.type === 'identify')?.anonymousId;
    assert.ok(sent && sent !== alices, `the guest's events carry Alice's anonymous id ${alices}, made by the library when she signed in`);
    allCarry(messages, sent, GUEST_SHA256, 'this module, after Alice');
  });

  it('back and forth: this module as Alice, the public plugin as guest, this module as guest: the guest keeps the id the library gave them', async () => {
    const served = closeLater(await serveHarnessApp({ segment: { userIdTransform: 'sha-256' } }));
    const browser = closeLater(await openBrowser());
    const first = await moduleSession(served, browser.context, ALICE);
    allCarry(first.messages, first.messages[0]?.anonymousId, sha256(ALICE), 'this module, Alice');
    await first.page.close();
    const guests = await publicPlugin(served, browser.context, GUEST_SHA256);
    const kept = await keptIn(browser.context, served.app.url);
    assert.equal(await libraryPicks(served, kept, GUEST_SHA256), guests, 'the library itself keeps the guest\'s id');
    const { messages } = await moduleSession(served, browser.context);
    allCarry(messages, guests, GUEST_SHA256, 'this module, the guest after the public plugin');
  });
});
