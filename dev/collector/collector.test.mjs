// @ts-check
// Run with: node --test dev/collector/
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MAX_RECORDS, startCollector } from './collector.mjs';

/**
 * A valid track message; `overrides` set (or, with undefined, remove) fields.
 * @param {Record<string, unknown>} [overrides]
 */
function track(overrides = {}) {
  /** @type {Record<string, any>} */
  const message = {
    type: 'track',
    event: 'Button Clicked',
    userId: 'user-1',
    anonymousId: 'anon-1',
    messageId: `ajs-next-${randomUUID()}`,
    timestamp: new Date().toISOString(),
    properties: { plugin: 'catalog' },
    context: { library: { name: 'analytics.js', version: 'next-1.0.0' } },
    writeKey: 'test-key',
    ...overrides,
  };
  for (const [key, value] of Object.entries(message)) if (value === undefined) delete message[key];
  return message;
}

describe('Segment dev collector', () => {
  /** @type {import('./collector.mjs').Collector} */
  let c;

  /**
   * POSTs `body` (JSON-encoded unless a string) as text/plain, like analytics-next.
   * @param {string} path
   * @param {unknown} body
   * @param {Record<string, string>} [headers]
   */
  async function post(path, body, headers = {}) {
    const res = await fetch(`${c.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json(), headers: res.headers };
  }

  before(async () => {
    c = await startCollector();
  });
  after(async () => {
    await c.close();
  });
  beforeEach(() => {
    c.clear();
  });

  test('binds to loopback and reports its addresses', () => {
    assert.match(c.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(c.apiHost, `127.0.0.1:${c.port}/v1`);
  });

  test('refuses non-loopback hosts', async () => {
    await assert.rejects(startCollector({ host: '0.0.0.0' }), /loopback/);
    await assert.rejects(startCollector({ host: 'example.com' }), /loopback/);
  });

  test('serves CDN-style settings, with and without a trailing slash', async () => {
    for (const path of ['/v1/projects/test-key/settings', '/v1/projects/test-key/settings/']) {
      const res = await fetch(`${c.url}${path}`, { headers: { Origin: 'http://localhost:3000' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:3000');
      const settings = await res.json();
      assert.deepEqual(settings.integrations['Segment.io'], {
        apiKey: 'test-key',
        apiHost: c.apiHost,
        protocol: 'http',
        unbundledIntegrations: [],
        addBundledMetadata: true,
        maybeBundledConfigIds: {},
      });
      assert.equal(settings.analyticsNextEnabled, true);
      assert.deepEqual(settings.metrics, { sampleRate: 0 });
      assert.deepEqual(settings.remotePlugins, []);
    }
  });

  test('records a valid track sent to /v1/t exactly as sent', async () => {
    const message = track();
    const res = await post('/v1/t', message);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { success: true });
    assert.deepEqual(c.messages(), [message]);
    const [record] = c.records();
    assert.equal(record.path, '/v1/t');
    assert.ok(!Number.isNaN(Date.parse(record.receivedAt)));
    assert.deepEqual(record.message, message);
  });

  test('rejects a track sent to /v1/p (type must match the path)', async () => {
    const res = await post('/v1/p', track());
    assert.equal(res.status, 400);
    assert.equal(res.body.success, false);
    assert.match(res.body.message, /type must match the path/);
    assert.deepEqual(c.messages(), []);
  });

  test('rejects a missing messageId', async () => {
    const res = await post('/v1/t', track({ messageId: undefined }));
    assert.equal(res.status, 400);
    assert.match(res.body.message, /messageId is required/);
  });

  test('rejects a 101-character messageId, accepts 100', async () => {
    const long = await post('/v1/t', track({ messageId: 'x'.repeat(101) }));
    assert.equal(long.status, 400);
    assert.match(long.body.message, /messageId must be at most 100/);
    assert.equal((await post('/v1/t', track({ messageId: 'y'.repeat(100) }))).status, 200);
    assert.equal(c.messages().length, 1);
  });

  test('rejects a message with neither userId nor anonymousId', async () => {
    const res = await post('/v1/t', track({ userId: undefined, anonymousId: '' }));
    assert.equal(res.status, 400);
    assert.match(res.body.message, /userId or anonymousId/);
  });

  test('rejects timestamps that are not ISO-8601', async () => {
    for (const timestamp of ['yesterday', '2024-13-45T00:00:00Z', 1700000000000]) {
      const res = await post('/v1/t', track({ timestamp }));
      assert.equal(res.status, 400, `timestamp ${timestamp}`);
      assert.match(res.body.message, /timestamp must be an ISO-8601 string/);
    }
    const sentAt = await post('/v1/t', track({ sentAt: 'Tue, 01 Jan 2024 00:00:00 GMT' }));
    assert.equal(sentAt.status, 400);
    assert.deepEqual(c.messages(), []);
  });

  test('rejects a track without an event name', async () => {
    const res = await post('/v1/track', track({ event: '' }));
    assert.equal(res.status, 400);
    assert.match(res.body.message, /event is required/);
  });

  test('rejects a message over 32 KB', async () => {
    const res = await post('/v1/t', track({ properties: { blob: 'x'.repeat(33 * 1024) } }));
    assert.equal(res.status, 400);
    assert.match(res.body.message, /32 KB/);
    assert.deepEqual(c.messages(), []);
  });

  test('rejects a body that is not JSON', async () => {
    const res = await post('/v1/t', '{"type":"track",');
    assert.equal(res.status, 400);
    assert.match(res.body.message, /valid JSON/);
  });

  test('records each message of a valid batch of 3 on /v1/b', async () => {
    const batch = [track({ event: 'One' }), track({ type: 'page', event: undefined, name: 'Home' }), track({ type: 'identify', event: undefined, traits: { team: 'a' } })];
    const res = await post('/v1/b', { writeKey: 'test-key', batch, sentAt: new Date().toISOString() });
    assert.equal(res.status, 200);
    assert.deepEqual(c.messages(), batch);
    assert.deepEqual(c.records().map((r) => r.path), ['/v1/b', '/v1/b', '/v1/b']);
  });

  test('rejects a whole batch when one message is invalid', async () => {
    const batch = [track(), track({ type: 'bogus' }), track()];
    const res = await post('/v1/b', { batch, sentAt: new Date().toISOString() });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /batch\[1\]: type must be one of/);
    assert.deepEqual(c.messages(), []);
  });

  test('rejects a batch body over 500 KB', async () => {
    const batch = Array.from({ length: 200 }, () => track({ properties: { blob: 'x'.repeat(3000) } }));
    const res = await post('/v1/batch', { batch });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /500 KB/);
    assert.deepEqual(c.messages(), []);
  });

  test('accepts the long HTTP API paths and /v1/m without recording metrics', async () => {
    assert.equal((await post('/v1/identify', track({ type: 'identify', event: undefined }))).status, 200);
    assert.equal((await post('/v1/import', { batch: [track()] })).status, 200);
    assert.equal((await post('/v1/m', { series: [] })).status, 200);
    assert.deepEqual(c.messages().map((m) => m.type), ['identify', 'track']);
  });

  test('answers an OPTIONS preflight with 204 and CORS headers', async () => {
    const res = await fetch(`${c.url}/v1/t`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:3000',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,authorization,x-retry-count',
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(res.headers.get('access-control-allow-headers'), 'content-type,authorization,x-retry-count');
    assert.equal(res.headers.get('access-control-allow-methods'), 'GET, POST, DELETE, OPTIONS');
    const plain = await fetch(`${c.url}/events.json`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('access-control-allow-origin'), null, 'no CORS grant without an Origin');
  });

  test('failFor(300) answers 503, then 200 once the window has passed', async () => {
    c.failFor(300);
    const failed = await post('/v1/t', track());
    assert.equal(failed.status, 503);
    assert.deepEqual(c.messages(), []);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const ok = await post('/v1/t', track());
    assert.equal(ok.status, 200);
    assert.equal(c.messages().length, 1);
    assert.deepEqual(c.requests().filter((r) => r.path === '/v1/t').map((r) => r.status), [503, 200]);
  });

  test('keeps retries with the same messageId as separate records', async () => {
    const message = track();
    await post('/v1/t', message);
    await post('/v1/t', message);
    assert.equal(c.messages().length, 2);
    assert.deepEqual(c.distinctMessageIds(), [message.messageId]);
  });

  test('logs every request, including preflights and rejected ones', async () => {
    await fetch(`${c.url}/v1/t`, { method: 'OPTIONS' });
    await post('/v1/t', track({ messageId: undefined }));
    const body = JSON.stringify(track());
    await post('/v1/t', body);
    const requests = c.requests();
    assert.deepEqual(requests.map((r) => [r.method, r.path, r.status]), [
      ['OPTIONS', '/v1/t', 204],
      ['POST', '/v1/t', 400],
      ['POST', '/v1/t', 200],
    ]);
    assert.equal(requests[2].bodyBytes, Buffer.byteLength(body));
  });

  test('the HTML view shows messages newest first with names escaped', async () => {
    await post('/v1/t', track({ event: 'Older' }));
    await post('/v1/t', track({ event: '<script>x</script>' }));
    for (const path of ['/', '/events']) {
      const res = await fetch(`${c.url}${path}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      const html = await res.text();
      assert.ok(html.includes('&lt;script&gt;x&lt;/script&gt;'), 'event name is escaped');
      assert.ok(!html.includes('<script>x</script>'), 'no raw event name');
      assert.ok(html.indexOf('&lt;script&gt;x') < html.indexOf('Older'), 'newest first');
      assert.match(html, /<b>track<\/b>: 2/);
    }
  });

  test('events.json lists records newest first; DELETE /events clears', async () => {
    await post('/v1/t', track({ event: 'First' }));
    await post('/v1/t', track({ event: 'Second' }));
    const res = await fetch(`${c.url}/events.json`, { headers: { Origin: 'http://localhost:7007' } });
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:7007');
    const { messages } = await res.json();
    assert.deepEqual(messages.map((/** @type {any} */ r) => r.message.event), ['Second', 'First']);
    assert.equal(messages[0].path, '/v1/t');
    assert.equal((await fetch(`${c.url}/events`, { method: 'DELETE' })).status, 401, 'no token');
    assert.equal(c.messages().length, 2);
    const cleared = await fetch(`${c.url}/events`, { method: 'DELETE', headers: { 'X-Collector-Token': c.controlToken } });
    assert.equal(cleared.status, 200);
    assert.deepEqual(c.messages(), []);
  });

  test('POST /_control/fail starts a failure window (with the control token)', async () => {
    assert.equal((await post('/_control/fail', { ms: 200, status: 500 })).status, 401);
    assert.equal((await post('/v1/t', track())).status, 200, 'no window opened without the token');
    const res = await post('/_control/fail', { ms: 200, status: 500 }, { 'X-Collector-Token': c.controlToken });
    assert.equal(res.status, 200);
    assert.equal((await post('/v1/t', track())).status, 500);
    c.failFor(0);
    assert.equal((await post('/v1/t', track())).status, 200);
  });

  test('waitFor resolves when the predicate holds', async () => {
    const waiting = c.waitFor((ms) => ms.some((m) => m.event === 'Later'), 2000);
    setTimeout(() => post('/v1/t', track({ event: 'Later' })), 50);
    const messages = await waiting;
    assert.equal(messages.at(-1)?.event, 'Later');
  });

  test('waitFor rejects on timeout, listing what arrived', async () => {
    await post('/v1/t', track({ event: 'Something Else' }));
    await post('/v1/t', track({ messageId: undefined }));
    await assert.rejects(
      c.waitFor((ms) => ms.some((m) => m.event === 'Never'), 100),
      (/** @type {Error} */ error) => {
        assert.match(error.message, /waitFor timed out after 100 ms; 1 message\(s\) arrived/);
        assert.match(error.message, /track "Something Else" userId=user-1/);
        assert.match(error.message, /-> 400: messageId is required/);
        return true;
      },
    );
  });

  test(`keeps at most ${MAX_RECORDS} records, dropping the oldest`, async () => {
    const total = MAX_RECORDS + 5;
    for (let start = 0; start < total; start += 2000) {
      const batch = Array.from({ length: Math.min(2000, total - start) }, (_, i) =>
        ({ type: 'track', event: 'Bulk', anonymousId: 'a', messageId: `m-${start + i}` }),
      );
      assert.equal((await post('/v1/b', { batch })).status, 200);
    }
    const messages = c.messages();
    assert.equal(messages.length, MAX_RECORDS);
    assert.equal(messages[0].messageId, 'm-5');
    assert.equal(messages.at(-1)?.messageId, `m-${total - 1}`);
  });
});

describe('Segment dev collector with a write key allow-list', () => {
  /** @type {import('./collector.mjs').Collector} */
  let c;
  before(async () => {
    c = await startCollector({ writeKeys: ['good-key'] });
  });
  after(async () => {
    await c.close();
  });

  test('answers 404 for settings of an unknown write key', async () => {
    assert.equal((await fetch(`${c.url}/v1/projects/good-key/settings`)).status, 200);
    assert.equal((await fetch(`${c.url}/v1/projects/other/settings`)).status, 404);
  });

  test('accepts known keys in the body or Basic auth, answers 401 otherwise', async () => {
    /** @param {unknown} body @param {Record<string, string>} [headers] */
    const send = (body, headers = {}) =>
      fetch(`${c.url}/v1/t`, { method: 'POST', headers: { 'Content-Type': 'text/plain', ...headers }, body: JSON.stringify(body) });
    assert.equal((await send(track({ writeKey: 'good-key' }))).status, 200);
    const basic = `Basic ${Buffer.from('good-key:').toString('base64')}`;
    assert.equal((await send(track({ writeKey: undefined }), { Authorization: basic })).status, 200);
    assert.equal((await send(track({ writeKey: 'bad-key' }))).status, 401);
    assert.equal((await send(track({ writeKey: undefined }))).status, 401);
    assert.equal(c.messages().length, 2);
  });
});
