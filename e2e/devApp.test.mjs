// @ts-check
// End-to-end: the dev harness app in headless Chromium, sending to the
// embedded collector; every assertion is on what arrived on the wire.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { browserMissing } from './support/browser.mjs';
import { TESTS_AT_ONCE, harnessesOfFile } from './support/harness.mjs';
import { assertSentFirst, logShowsSent, sentCalls } from './support/order.mjs';
import { sha256 } from './support/sha256.mjs';

const GUEST = 'user:default/guest';
const GUEST_SHA256 = sha256(GUEST);
const missing = browserMissing();

const { harness } = harnessesOfFile();

/** @typedef {Record<string, any>} Message */
/** @param {Message[]} messages @param {string} type */
const ofType = (messages, type) => messages.filter(m => m.type === type);
/** @param {Message[]} messages */
const byTimestamp = messages => [...messages].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));

/** A loopback port nothing listens on: a CDN that cannot be reached. */
async function closedPort() {
  const server = createServer();
  await new Promise(ok => server.listen(0, '127.0.0.1', () => ok(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise(ok => server.close(() => ok(undefined)));
  return port;
}

describe('dev harness in Chromium', { skip: missing, concurrency: TESTS_AT_ONCE }, () => {
  it('sends navigation as page calls, clicks as track calls, identified first, with sha-256 ids only', async () => {
    const h = await harness({ segment: { userIdTransform: 'sha-256' } });
    const { page, collector } = h;
    await page.click('[data-testid=second-link]');
    await page.waitForSelector('[data-testid=back-link]');
    await page.click('[data-testid=back-link]');
    await page.waitForSelector('[data-testid=second-link]');

    // Each call is a request of its own: wait for all of them, and read them in capture order.
    const messages = await collector.waitFor(m =>
      ofType(m, 'identify').length > 0 && ofType(m, 'page').length >= 3 && m.filter(x => x.event === 'click').length >= 2);
    const identify = ofType(messages, 'identify');
    assert.equal(identify.length, 1, 'one identify');
    assertSentFirst(identify[0], messages.filter(m => m !== identify[0]), 'identify');
    assert.equal(identify[0].userId, GUEST_SHA256);
    assert.match(identify[0].userId, /^[0-9a-f]{64}$/);

    const pages = byTimestamp(ofType(messages, 'page'));
    const origin = h.app.url;
    assert.deepEqual(
      pages.map(p => [p.properties.path, p.properties.url, p.properties.title]),
      [
        ['/playground', `${origin}/playground`, 'Segment analytics playground | Harness'],
        ['/second', `${origin}/second`, 'Second page | Harness'],
        ['/playground', `${origin}/playground`, 'Segment analytics playground | Harness'],
      ],
    );
    assert.equal(pages[1].context.page.referrer, `${origin}/playground`);
    assert.equal(pages[2].context.page.referrer, `${origin}/second`);
    assert.equal(pages[1].properties.referrer, `${origin}/playground`);

    const clicks = byTimestamp(ofType(messages, 'track').filter(m => m.event === 'click'));
    assert.deepEqual(clicks.map(c => c.properties.attributes.to), ['/second', '/playground']);
    assert.ok(messages.every(m => m.userId === GUEST_SHA256), 'every call attributed to the digest');
    // The library's enrichment on every call (the module reuses its output while what it reads is unchanged).
    const browserSays = await page.evaluate(() => ({
      userAgent: navigator.userAgent,
      locale: navigator.language,
      timezone: new Intl.DateTimeFormat().resolvedOptions().timeZone,
    }));
    for (const m of messages) {
      const { userAgent, locale, timezone, library } = m.context;
      assert.deepEqual({ userAgent, locale, timezone }, browserSays, `enrichment of ${m.type} ${m.event ?? ''}`);
      assert.equal(library?.name, 'analytics.js');
    }
    const bodies = h.browser.requests.map(r => `${r.url} ${r.body}`).join('\n');
    assert.ok(!bodies.includes(GUEST) && !bodies.includes(encodeURIComponent(GUEST)), 'plaintext ref in a request');

    // The remaining core actions, and a screenshot of the harness (the README's docs/harness.png is a copy of it:
    // written there, every run would change a tracked file, the collector's port being in it).
    for (const name of ['search', 'discover', 'create', 'not-found', 'custom']) {
      await page.click(`[data-testid=fire-${name}]`);
    }
    const all = await collector.waitFor(m => ['search', 'discover', 'playground-service', 'not-found', 'deploy'].every(e => m.some(x => x.event === e)));
    const create = all.find(m => m.event === 'playground-service');
    assert.equal(create?.properties.action, 'create');
    assert.equal(create?.properties.value, 3);
    assert.equal(create?.properties.additionalContext.entityRef, 'component:default/playground-service');
    const custom = all.find(m => m.event === 'deploy');
    assert.deepEqual([custom?.properties.value, custom?.properties.attributes], [42, { environment: 'staging', dryRun: true }]);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=received] li').length >= 8);
    mkdirSync('.e2e-artifacts', { recursive: true });
    await page.screenshot({ path: '.e2e-artifacts/harness.png' });

    // A campaign in the URL, then none: the library's enrichment follows the query string of each event.
    await page.evaluate(() => history.replaceState(history.state, '', `${location.pathname}?utm_campaign=e2e-launch&utm_source=mail`));
    await page.click('[data-testid=fire-search]');
    await page.evaluate(() => history.replaceState(history.state, '', location.pathname));
    await page.click('[data-testid=fire-discover]');
    const again = await collector.waitFor(m => m.filter(x => x.event === 'search').length >= 2 && m.filter(x => x.event === 'discover').length >= 2);
    const [withCampaign, without] = ['search', 'discover'].map(e => byTimestamp(again.filter(m => m.event === e))[1]);
    assert.deepEqual(withCampaign.context.campaign, { name: 'e2e-launch', source: 'mail' });
    assert.equal(without.context.campaign, undefined);
    assert.deepEqual([withCampaign.context.timezone, without.context.timezone], [browserSays.timezone, browserSays.timezone]);
  });

  it('attributes events captured before a late identity (4 s) to the user, in order, at their capture time', async () => {
    // 4 s: on a busy machine opening the page and reaching the capture can take more than a second or two.
    const h = await harness({ knobs: { identityDelayMs: 4000 } });
    const { page, collector } = h;
    const start = Date.now();
    // In one task (three Playwright clicks may take seconds on a busy machine), 3 ms apart, so that each
    // has its own millisecond timestamp and the order they were captured in can be read from the wire.
    await page.evaluate(() => {
      for (const name of ['search', 'discover', 'create']) {
        /** @type {HTMLElement} */ (document.querySelector(`[data-testid=fire-${name}]`)).click();
        const next = performance.now() + 3;
        while (performance.now() < next);
      }
    });
    const capturedBy = Date.now();
    assert.ok(capturedBy - start < 3500, 'events captured while the identity was still pending');

    // Separate requests may arrive in either order: wait for the identify too (which was sent first: assertSentFirst).
    const messages = await collector.waitFor(
      m => m.some(x => x.type === 'identify') && ['search', 'discover', 'playground-service'].every(e => m.some(x => x.event === e)),
    );
    const identify = ofType(messages, 'identify')[0];
    assert.equal(identify.userId, GUEST);
    const fired = byTimestamp(messages.filter(m => ['search', 'discover', 'playground-service'].includes(m.event)));
    assert.deepEqual(fired.map(m => m.event), ['search', 'discover', 'playground-service']);
    for (const m of fired) {
      assert.equal(m.userId, GUEST);
      const t = Date.parse(m.timestamp);
      assert.ok(t >= start - 50 && t <= capturedBy + 50, `capture time kept: ${m.timestamp}`);
    }
    assertSentFirst(identify, fired, 'identify');
  });

  it('delivers every event when the collector answers 503 for 5 s, then recovers', async () => {
    const h = await harness();
    const { page, collector } = h;
    await collector.waitFor(m => m.some(x => x.type === 'page'));
    collector.failFor(5000, 503);
    const subjects = [];
    for (let i = 0; i < 3; i++) {
      for (const name of ['search', 'create', 'custom']) {
        await page.click(`[data-testid=fire-${name}]`);
        subjects.push(name);
      }
    }
    const expected = subjects.length;
    const fired = (/** @type {Message[]} */ m) => m.filter(x => ['search', 'playground-service', 'deploy'].includes(x.event));
    const messages = await collector.waitFor(m => new Set(fired(m).map(x => x.messageId)).size >= expected, 40000);
    assert.equal(new Set(fired(messages).map(x => x.messageId)).size, expected);
    assert.ok(collector.requests().some(r => r.status === 503), 'the collector did refuse calls');
  });

  it('keeps the app working when the CDN is unreachable, and still delivers with cdnSettings: local', async () => {
    const port = await closedPort();
    const remote = await harness({ segment: { cdnURL: `http://127.0.0.1:${port}` } });
    await remote.page.click('[data-testid=second-link]');
    await remote.page.waitForSelector('[data-testid=back-link]');
    await remote.page.click('[data-testid=back-link]');
    await remote.page.click('[data-testid=fire-custom]');
    await remote.page.waitForTimeout(1000);
    assert.ok(await remote.page.isVisible('[data-testid=second-link]'), 'the app still works');
    assert.deepEqual(remote.browser.errors, [], 'no uncaught error in the page');
    assert.equal(remote.collector.messages().length, 0);

    const local = await harness({ segment: { cdnURL: `http://127.0.0.1:${port}`, cdnSettings: 'local' } });
    await local.page.click('[data-testid=fire-custom]');
    await local.collector.waitFor(m => m.some(x => x.event === 'deploy') && m.some(x => x.type === 'page'));
    // (the playground itself polls the collector's /events.json; that is not the module)
    const cdn = local.browser.requests.filter(r => r.url.includes(`:${port}`) && !r.url.endsWith('/events.json')).map(r => r.url);
    assert.deepEqual(cdn, [], 'no settings fetch in local mode');
    assert.deepEqual(local.browser.errors, []);
  });

  for (const [name, segment] of /** @type {const} */ ([
    ['testMode', { testMode: true, writeKey: undefined }],
    ['enabled: false', { enabled: false, writeKey: undefined }],
  ])) {
    it(`makes no request at all with ${name}`, async () => {
      // No cdnURL either: the playground would otherwise poll the collector.
      const h = await harness({ segment: { ...segment, cdnURL: undefined, apiHost: undefined } });
      await h.page.click('[data-testid=second-link]');
      await h.page.waitForSelector('[data-testid=back-link]');
      await h.page.click('[data-testid=back-link]');
      await h.page.click('[data-testid=fire-custom]');
      await h.page.waitForTimeout(1500);
      const outside = h.outsideRequests().filter(r => !r.url.startsWith('http://127.0.0.1:9/'));
      assert.deepEqual(outside, []);
      assert.equal(h.collector.requests().length, 0);
    });
  }

  it('ignores ?ajs_uid= in the URL', async () => {
    const h = await harness({ path: '/playground?ajs_uid=someone&ajs_event=forged' });
    const messages = await h.collector.waitFor(m => m.some(x => x.type === 'page'));
    await h.page.click('[data-testid=fire-search]');
    const all = await h.collector.waitFor(m => m.some(x => x.event === 'search'));
    assert.ok(all.every(m => m.userId === GUEST), JSON.stringify(all.map(m => m.userId)));
    assert.ok(!all.some(m => m.event === 'forged'));
    assert.ok(messages.length > 0);
    // what the page sent, arrived or not (a forged call sent before the search could still be on its way)
    const search = all.find(m => m.event === 'search');
    assert.ok(search);
    await logShowsSent(h.browser.requests, h.collector.url, [search.messageId]);
    const sent = sentCalls(h.browser.requests, h.collector.url);
    assert.ok(sent.length >= 2, `calls sent: ${sent.length}`);
    assert.ok(sent.every(m => m.event !== 'forged' && m.userId === GUEST), JSON.stringify(sent.map(m => [m.event, m.userId])));
  });

  it('does not let an event over 32 KB stop the others', async () => {
    const h = await harness();
    await h.page.click('[data-testid=fire-huge]');
    await h.page.click('[data-testid=fire-custom]');
    // the oversized event is cut to fit and sent; the next one is sent too (separate requests: either may come first)
    const messages = await h.collector.waitFor(m => m.some(x => x.event === 'deploy') && m.some(x => x.event === 'paste'));
    const huge = messages.find(m => m.event === 'paste');
    assert.ok(huge, 'the oversized event, cut');
    assert.ok(Buffer.byteLength(JSON.stringify(huge)) < 32 * 1024 && huge.properties.subject.endsWith('…[truncated]'));
    assert.ok(h.collector.requests().every(r => r.status !== 400), 'no request refused');
  });

  it('identifies with the right sha-256 on a plain-http intranet host (no WebCrypto)', async () => {
    const host = 'backstage.intranet.test';
    const h = await harness({
      hostName: host,
      browserArgs: [`--host-resolver-rules=MAP ${host} 127.0.0.1`],
      segment: { userIdTransform: 'sha-256' },
    });
    assert.equal(await h.page.evaluate(() => [window.isSecureContext, typeof crypto.subtle].join()), 'false,undefined');
    const messages = await h.collector.waitFor(m => m.some(x => x.type === 'identify') && m.some(x => x.type === 'page'));
    assert.ok(messages.every(m => m.userId === GUEST_SHA256), JSON.stringify(messages.map(m => m.userId)));
  });
});
