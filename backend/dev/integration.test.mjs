// @ts-check
// A real backend (@backstage/backend-defaults) on a loopback port, with the
// relay, the auth backend and its guest provider, forwarding to the embedded
// collector: a user token and the relay's cookie are obtained over HTTP, calls
// are posted the way analytics-next posts them, and the collector receives them
// with the ids the server computed.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startCollector } from '../../dev/collector/collector.mjs';
import { GUEST, startSegmentBackend } from './startSegmentBackend.mjs';

const WRITE_KEY = 'integration-write-key-7d1e';
const HMAC_KEY = 'integration-hmac-key-2b9c40f1a7d3e5c8b6a4';
/** The page every call is posted from, as the browser's Referer: a user's page with a credential in its query. */
const PAGE = 'http://127.0.0.1/catalog/default/user/guest/ownership?code=s3cr3t-referer';
/** @param {string} ref */
const hmac = ref => createHmac('sha256', HMAC_KEY).update(ref, 'utf8').digest('hex');

/** @type {Awaited<ReturnType<typeof startCollector>>} */
let collector;
/** @type {import('./startSegmentBackend.mjs').SegmentBackend} */
let backend;
/** @type {string} */
let token;
/** @type {string} */
let cookie;

let sequence = 0;
/** @param {Record<string, unknown>} fields a message as analytics-next builds it */
function message(fields) {
  sequence++;
  return {
    messageId: `ajs-next-${Date.now()}-${sequence}`,
    anonymousId: 'c0ffee00-anon',
    timestamp: new Date().toISOString(),
    context: { page: { path: '/catalog', url: 'http://127.0.0.1/catalog' }, library: { name: 'analytics.js', version: 'npm:next-1.84.3' } },
    integrations: {},
    writeKey: 'placeholder',
    sentAt: new Date().toISOString(),
    ...fields,
  };
}

/**
 * Posts like analytics-next: text/plain JSON and `Authorization: Basic base64(writeKey:)`.
 * @param {string} path @param {unknown} body @param {{ cookie?: string | null }} [options]
 */
function post(path, body, { cookie: sent = cookie } = {}) {
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'text/plain', Authorization: `Basic ${btoa('placeholder:')}`, Referer: PAGE };
  if (sent) headers.Cookie = sent;
  return fetch(`${backend.relayUrl}/v1/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

before(async () => {
  collector = await startCollector({ writeKeys: [WRITE_KEY] });
  backend = await startSegmentBackend({
    upstreamUrl: `${collector.url}/v1`,
    writeKey: WRITE_KEY,
    hmacKey: HMAC_KEY,
    segmentAnalytics: { groups: true },
  });
  ({ token } = await backend.signIn());
  ({ cookie } = await backend.userCookie(token));
});

after(async () => {
  await backend?.stop();
  await collector?.close();
});

test('the cookie comes from the relay with a Backstage user token and lasts about an hour', async () => {
  const again = await backend.userCookie(token);
  const left = Date.parse(again.expiresAt) - Date.now();
  assert.ok(left > 50 * 60_000 && left <= 60 * 60_000, `expiresAt is ${again.expiresAt}`);
});

test('calls posted as analytics-next posts them arrive at the collector with the server-computed ids', async () => {
  collector.clear();
  const userId = hmac(GUEST.userEntityRef);
  const [teamA, teamB] = ['group:default/team-a', 'group:default/team-b'].map(hmac);
  const identify = message({ type: 'identify', userId: GUEST.userEntityRef, traits: { email: 'guest@example.com' } });
  const page = message({ type: 'page', properties: { path: '/catalog' }, userId: hmac('user:default/someone-else') });
  const batch = [message({ type: 'track', event: 'click' }), message({ type: 'track', event: 'search', context: { ip: '0.0.0.0' } })];

  for (const [path, body] of /** @type {const} */ ([['i', identify], ['p', page], ['b', { batch, sentAt: new Date().toISOString(), writeKey: 'placeholder' }]])) {
    const res = await post(path, body);
    assert.equal(res.status, 200, `${path}: ${await res.text()}`);
  }
  const received = await collector.waitFor(messages => messages.length >= 6, 10_000);
  assert.deepEqual(
    received.map(m => [m.type, m.messageId, m.userId, m.groupId ?? m.context.groupId]),
    [
      ['identify', identify.messageId, userId, teamA],
      ['group', received[1].messageId, userId, teamA],
      ['group', received[2].messageId, userId, teamB],
      ['page', page.messageId, userId, teamA],
      ['track', batch[0].messageId, userId, teamA],
      ['track', batch[1].messageId, userId, teamA],
    ],
  );
  assert.deepEqual(received.map(m => m.context.ip), ['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1', '0.0.0.0']);
  const wire = JSON.stringify(collector.records());
  for (const secret of [GUEST.userEntityRef, 'team-a', 'guest@example.com', WRITE_KEY, 'placeholder']) {
    assert.ok(!wire.includes(secret), `the collector received ${secret}`);
  }
  assert.ok(collector.records().every(record => record.path === '/v1/batch'));
});

test('DELETE on the cookie endpoint clears the cookie (for a change of user in the same browser)', async () => {
  const res = await fetch(`${backend.relayUrl}/.backstage/auth/v1/cookie`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 204);
  const cleared = res.headers.get('set-cookie') ?? '';
  assert.match(cleared, /^backstage-auth=;/);
  assert.match(cleared, /Expires=Thu, 01 Jan 1970/);
});

test("analytics-next's Basic write-key header alone is no credential: 401, nothing forwarded", async () => {
  collector.clear();
  const res = await post('t', message({ type: 'track', event: 'click' }), { cookie: null });
  assert.equal(res.status, 401);
  assert.equal(collector.messages().length, 0);
});

test('Segment failing gives a retryable 503; the same call later arrives once', async () => {
  collector.clear();
  const call = message({ type: 'track', event: 'retried' });
  collector.failFor(60_000, 503);
  assert.equal((await post('t', call)).status, 503);
  collector.failFor(0);
  assert.equal((await post('t', call)).status, 200);
  assert.deepEqual(collector.distinctMessageIds(), [call.messageId]);
});

test("neither key, nor the token, nor what users sent, nor the page's URL (the Referer) appears in a log line", () => {
  const logs = backend.logs.join('\n');
  assert.ok(backend.logs.some(line => line.includes('Segment relay: forwarding to')), 'the relay logged its start-up line');
  // The access log of the calls the relay answered holds no Referer (Backstage itself answers a call without
  // credentials, 401, before the relay sees it: see README, "What is logged").
  const answered = backend.logs.filter(line => line.includes('"POST /api/segment-analytics/v1/t') && !line.includes('" 401 '));
  assert.ok(answered.length > 0, 'the access log has the calls');
  assert.ok(answered.every(line => !line.includes('s3cr3t-referer')), answered.join('\n'));
  for (const secret of [WRITE_KEY, HMAC_KEY, token, cookie.split('=')[1], 'guest@example.com']) {
    assert.ok(!logs.includes(secret), 'a secret was logged');
  }
  const relayLines = backend.logs.filter(line => line.includes('[segment-analytics]'));
  assert.ok(relayLines.every(line => !line.includes(GUEST.userEntityRef)), relayLines.join('\n'));
});
