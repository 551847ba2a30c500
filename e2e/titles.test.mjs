// @ts-check
// End-to-end: page calls carry the title of the page navigated to, also when
// pages set their title late (as Backstage pages do, after lazy content
// loads). The dev harness in headless Chromium; the delay is injected by an
// init script that makes every `document.title = ...` land 150-900 ms later.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserMissing } from './support/browser.mjs';
import { harnessesOfFile } from './support/harness.mjs';
import { logShowsSent, sentCalls } from './support/order.mjs';

const missing = browserMissing();

const { harness } = harnessesOfFile();

const TITLES = {
  '/playground': 'Segment analytics playground | Harness',
  '/second': 'Second page | Harness',
};

describe('page titles (Chromium, embedded collector)', { skip: missing }, () => {
  it('a page call carries the title its page sets late, in order, and none is lost when the page is left', async () => {
    const h = await harness({ signIn: false, path: '/second' });
    await h.browser.context.addInitScript(() => {
      const descriptor = /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(Document.prototype, 'title'));
      let n = 0;
      let last = 0;
      Object.defineProperty(Document.prototype, 'title', {
        configurable: true,
        get() {
          return descriptor.get?.call(this);
        },
        set(value) {
          // 150-900 ms later, varied, but in the order they were set.
          const at = Math.max(last + 1, performance.now() + 150 + ((n++ * 337) % 750));
          last = at;
          setTimeout(() => descriptor.set?.call(this, value), at - performance.now());
        },
      });
    });
    h.collector.clear(); // the harness's first load, before the init script
    await h.page.goto(`${h.app.url}/playground`);
    await h.page.getByRole('button', { name: 'Enter' }).click();
    await h.page.waitForSelector('[data-testid=second-link]');
    const walk = 10;
    // A user's walk: each page is shown (and has set its title) before the next click.
    /** @param {string} title */
    const shown = title => h.page.waitForFunction(t => document.title === t, title);
    await shown(TITLES['/playground']);
    for (let i = 0; i < walk; i++) {
      await h.page.click('[data-testid=second-link]');
      await h.page.waitForSelector('[data-testid=back-link]');
      await shown(TITLES['/second']);
      await h.page.click('[data-testid=back-link]');
      await h.page.waitForSelector('[data-testid=second-link]');
      await h.page.click('[data-testid=fire-search]');
      await shown(TITLES['/playground']);
    }
    // The last navigation, then the page is reloaded at once: its page call is released
    // (sent, or kept and sent by the next load).
    await h.page.click('[data-testid=second-link]');
    await h.page.reload();

    const navigations = 2 * walk + 3; // the first page, the walk, the last one, the reload
    const received = await h.collector
      // Calls released together when the page is left go out as separate requests, in any order: wait for all.
      .waitFor(m => m.filter(x => x.type === 'page').length >= navigations && m.filter(x => x.event === 'search').length >= walk, 15000)
      .catch(() => h.collector.messages());
    // A call handed over as the page is left is also kept for the next load, which resends it with the same
    // messageId (Segment keeps one): count each message once, where it first arrived.
    const messages = received.filter((m, i) => received.findIndex(x => x.messageId === m.messageId) === i);
    const pages = messages.filter(m => m.type === 'page');
    console.log(`titles: ${pages.length} page calls:\n${pages.map(p => `${p.properties.path} ${p.properties.title} ${p.timestamp}`).join('\n')}`);
    const right = pages.filter(p => p.properties.title === TITLES[/** @type {keyof TITLES} */ (p.properties.path)]);
    console.log(`titles: ${right.length}/${pages.length} page calls carry their own page's title`);
    // Three calls are not counted: the first playground call, captured on the sign-in screen; the one cut short
    // by leaving the page (it may keep the earlier title); and the reload's first, on the sign-in screen again.
    assert.ok(pages.filter(p => p.properties.path === '/second').length >= walk + 1, 'the page call held when the page was left arrived');
    assert.ok(right.length >= 0.95 * (pages.length - 3), pages.map(p => `${p.properties.path}: ${p.properties.title}`).join('\n'));

    // Capture order kept: the page started the requests in capture order (each call is a request of its own, so
    // they may arrive in any order), each search after the page call of the playground it was fired on.
    const receivedIds = new Set(messages.map(m => m.messageId));
    await logShowsSent(h.browser.requests, h.collector.url, [...receivedIds]);
    const sent = firstSent(sentCalls(h.browser.requests, h.collector.url)).filter(m => receivedIds.has(m.messageId));
    const calls = sent.filter(m => m.type === 'page' || m.event === 'search');
    assert.equal(calls.length, pages.length + walk, 'every call read from the requests the page made');
    const times = calls.map(m => Date.parse(m.timestamp));
    assert.deepEqual([...times].sort((a, b) => a - b), times, 'sent in capture order');
    const order = calls.map(m => (m.type === 'page' ? m.properties.path : 'search'));
    assert.ok(order.every((x, i) => x !== 'search' || order[i - 1] === '/playground'), order.join(' '));
    assert.equal(order.filter(x => x === 'search').length, walk);
  });

  it('a page call waits while its page shows a loading indicator, and carries the title the page sets once loaded', async () => {
    const h = await harness({ signIn: false, path: '/playground' });
    await h.page.getByRole('button', { name: 'Enter' }).click();
    await h.page.waitForSelector('[data-testid=second-link]');
    await h.page.waitForFunction(t => document.title === t, TITLES['/playground']);
    await h.collector.waitFor(m => m.some(x => x.type === 'page' && x.properties.path === '/playground'));
    // The second page as the scaffolder's /create: its own title at once, then a fuller one once its content has
    // loaded (1.8 s, past the 1 s a title must stay), a progress bar (Material UI's markup) shown meanwhile.
    await h.page.click('[data-testid=second-link]');
    await h.page.waitForFunction(t => document.title === t, TITLES['/second']);
    await h.page.evaluate(() => {
      const bar = Object.assign(document.createElement('div'), { className: 'MuiLinearProgress-root' });
      bar.setAttribute('role', 'progressbar');
      document.body.append(bar);
      setTimeout(() => {
        bar.remove();
        document.title = 'Second page, loaded | Harness';
      }, 1800);
    });
    const [page] = (await h.collector.waitFor(m => m.some(x => x.type === 'page' && x.properties.path === '/second'), 15000)).filter(
      x => x.type === 'page' && x.properties.path === '/second',
    );
    assert.equal(page.properties.title, 'Second page, loaded | Harness');
  });
});

/**
 * Each call once, where it was first sent (a call kept at a leave is sent again by the next load).
 * @param {any[]} calls - what a page sent, in order (see sentCalls)
 * @returns {any[]}
 */
function firstSent(calls) {
  const seen = new Set();
  return calls.filter(call => !seen.has(call.messageId) && seen.add(call.messageId));
}
