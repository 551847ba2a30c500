// @ts-check
// End-to-end: the embedded collector, left running, against web pages in
// headless Chromium. A page from an origin that is not allowed cannot read
// what it captured, cannot control it and cannot inject events; a DNS-rebinding
// host name gets nothing; the dev app's origin and loopback origins still can.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startCollector } from '../dev/collector/collector.mjs';
import { browserMissing, closeIdleBrowsers, openBrowser } from './support/browser.mjs';

const missing = browserMissing();

/** Host names Chromium resolves to 127.0.0.1 in this test: none of them is a loopback name. */
const ATTACKER = 'attacker.test';
const DEV_APP = 'devapp.test';
const REBIND = 'rebind.test';

/** A valid track message. @param {string} event */
const track = (event) => ({
  type: 'track',
  event,
  anonymousId: 'anon-e2e',
  messageId: `m-${event}-${Math.random().toString(36).slice(2)}`,
  timestamp: new Date().toISOString(),
});

/**
 * What a page does against the collector, run inside the page. Every outcome
 * is reported as text: the status read, or the error the browser raised.
 * @param {{ url: string, token: string, message: object }} args the collector, its control token, a track message to inject
 */
async function probe({ url, token, message }) {
  /** @param {() => Promise<Response>} call */
  const attempt = async (call) => {
    try {
      const res = await call();
      return res.type === 'opaque' ? 'opaque' : `${res.status} ${await res.text()}`;
    } catch (error) {
      return `blocked: ${error}`;
    }
  };
  return {
    read: await attempt(() => fetch(`${url}/events.json`)),
    readRequests: await attempt(() => fetch(`${url}/requests.json`)),
    // Simple requests go out without a preflight: the collector itself must refuse them.
    blindClear: await attempt(() => fetch(`${url}/_control/clear`, { method: 'POST', mode: 'no-cors' })),
    blindDelete: await attempt(() => fetch(`${url}/events`, { method: 'DELETE' })),
    inject: await attempt(() =>
      fetch(`${url}/v1/t`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(message) }),
    ),
    // Last: when it works, it opens a fault window.
    control: await attempt(() =>
      fetch(`${url}/_control/fail`, {
        method: 'POST',
        headers: { 'x-collector-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ ms: 60_000, status: 503 }),
      }),
    ),
  };
}

describe('the embedded collector against web pages in Chromium', { skip: missing }, () => {
  /** @type {import('../dev/collector/collector.mjs').Collector} */
  let collector;
  /** @type {import('node:http').Server} */
  let pages;
  let pagesPort = 0;
  /** @type {Awaited<ReturnType<typeof openBrowser>>} */
  let browser;

  before(async () => {
    collector = await startCollector();
    // One blank page for every host name; the origin is what differs.
    pages = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>page</title></head><body>page</body></html>');
    });
    await new Promise((ok) => pages.listen(0, '127.0.0.1', () => ok(undefined)));
    pagesPort = /** @type {import('node:net').AddressInfo} */ (pages.address()).port;
    collector.allowOrigin(`http://${DEV_APP}:${pagesPort}`);
    browser = await openBrowser({
      args: [`--host-resolver-rules=MAP ${ATTACKER} 127.0.0.1, MAP ${DEV_APP} 127.0.0.1, MAP ${REBIND} 127.0.0.1`],
    });
  });
  after(async () => {
    await browser?.close();
    await new Promise((ok) => (pages ? pages.close(() => ok(undefined)) : ok(undefined)));
    await collector?.close();
    await closeIdleBrowsers();
  });

  /** Seeds one captured message, as the dev app would have sent. */
  async function seed() {
    collector.clear();
    collector.failFor(0);
    const res = await fetch(`${collector.url}/v1/t`, { method: 'POST', body: JSON.stringify(track('Secret')) });
    assert.equal(res.status, 200);
  }

  it('a page from another origin cannot read, control or inject', async () => {
    await seed();
    const { page } = browser;
    await page.goto(`http://${ATTACKER}:${pagesPort}/`);
    // Even a page that guessed the token gets nowhere: its origin is refused first.
    const outcome = await page.evaluate(probe, { url: collector.url, token: collector.controlToken, message: track('Injected') });

    assert.match(outcome.read, /^blocked/, `read: ${outcome.read}`);
    assert.match(outcome.readRequests, /^blocked/, `requests: ${outcome.readRequests}`);
    assert.match(outcome.control, /^blocked/, `control: ${outcome.control}`);
    assert.match(outcome.blindDelete, /^blocked/, `delete: ${outcome.blindDelete}`);
    assert.ok(!JSON.stringify(outcome).includes('Secret'), 'nothing captured reached the page');

    assert.deepEqual(collector.messages().map((m) => m.event), ['Secret'], 'nothing injected, nothing cleared');
    const ok = await fetch(`${collector.url}/v1/t`, { method: 'POST', body: JSON.stringify(track('After')) });
    assert.equal(ok.status, 200, 'no fault window was opened');

    const fromAttacker = collector.requests().filter((r) => r.origin === `http://${ATTACKER}:${pagesPort}`);
    assert.ok(fromAttacker.length >= 4, JSON.stringify(fromAttacker));
    assert.ok(fromAttacker.every((r) => r.status === 403), JSON.stringify(fromAttacker.map((r) => [r.method, r.path, r.status])));
  });

  it('a DNS-rebinding host name gets 421 and nothing captured', async () => {
    await seed();
    const { page } = browser;
    const response = await page.goto(`http://${REBIND}:${collector.port}/events.json`);
    assert.equal(response?.status(), 421);
    assert.ok(!(await page.content()).includes('Secret'));
    const view = await page.goto(`http://${REBIND}:${collector.port}/events`);
    assert.equal(view?.status(), 421);
  });

  for (const [name, host] of [
    ['the dev app origin given at start', DEV_APP],
    ['a loopback origin (a Backstage app on 127.0.0.1)', '127.0.0.1'],
  ]) {
    it(`${name} reads, controls with the token, and sends`, async () => {
      await seed();
      const { page } = browser;
      await page.goto(`http://${host}:${pagesPort}/`);
      const outcome = await page.evaluate(probe, { url: collector.url, token: collector.controlToken, message: track('Sent') });

      assert.match(outcome.read, /^200 /, outcome.read);
      assert.equal(JSON.parse(outcome.read.slice(4)).messages[0].message.event, 'Secret');
      assert.match(outcome.readRequests, /^200 /, outcome.readRequests);
      assert.match(outcome.control, /^200 /, outcome.control);
      // Without the token the DELETE is refused, and the allowed page may read why.
      assert.match(outcome.blindDelete, /^401 .*x-collector-token/, outcome.blindDelete);
      const events = collector.messages().map((m) => m.event);
      assert.ok(events.includes('Sent'), `the track arrived: ${events}`);
      // The no-cors clear went out without the token header: refused, nothing cleared.
      assert.ok(events.includes('Secret'), `nothing cleared: ${events}`);
      // The control call did open a fault window.
      const failing = await fetch(`${collector.url}/v1/t`, { method: 'POST', body: JSON.stringify(track('During')) });
      assert.equal(failing.status, 503);
      collector.failFor(0);
    });
  }
});
