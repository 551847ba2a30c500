// @ts-check
// The collector is left running on a laptop while its owner browses the web:
// hostile requests, written as tables so more can be added.
// Run with: node --test dev/collector/
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startCollector } from './collector.mjs';

const DEV_APP = 'http://devapp.test:3000';
const EVIL = 'https://evil.example';

/**
 * A valid message of `type`; `overrides` set (or, with undefined, remove) fields.
 * @param {string} [type]
 * @param {Record<string, unknown>} [overrides]
 */
function message(type = 'track', overrides = {}) {
  /** @type {Record<string, any>} */
  const m = {
    type,
    anonymousId: 'anon-1',
    messageId: `m-${randomUUID()}`,
    timestamp: new Date().toISOString(),
    ...(type === 'track' ? { event: 'Clicked' } : {}),
    ...(type === 'group' ? { groupId: 'group:default/team-a' } : {}),
    ...(type === 'alias' ? { previousId: 'anon-1', userId: 'user-1' } : {}),
    ...overrides,
  };
  for (const [key, value] of Object.entries(m)) if (value === undefined) delete m[key];
  return m;
}

/**
 * `{ a: { a: ... } }` with `depth` levels counting the outer object, as JSON text.
 * @param {number} depth
 */
const nestedObject = (depth) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

/**
 * A track whose properties nest so that the message is `depth` deep.
 * @param {number} depth at least 3
 */
function deepTrack(depth) {
  const text = JSON.stringify(message('track', { properties: { x: 0 } }));
  return text.replace('{"x":0}', nestedObject(depth - 1));
}

/**
 * @typedef {{ status: number, headers: import('node:http').IncomingHttpHeaders, text: string }} RawResponse
 */

/**
 * Sends one request with exactly these headers (Host included), via node:http.
 * @param {number} port
 * @param {{ method?: string, path: string, headers?: Record<string, string>, body?: string }} req
 * @returns {Promise<RawResponse>}
 */
function raw(port, { method = 'GET', path, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, setHost: false, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('who may use the collector (issue 10, point 9)', () => {
  /** @type {import('./collector.mjs').Collector} */
  let c;
  before(async () => {
    c = await startCollector({ allowedOrigins: [DEV_APP] });
  });
  after(() => c.close());
  beforeEach(async () => {
    c.clear();
    c.failFor(0);
    // Something worth stealing.
    const seeded = await raw(c.port, { method: 'POST', path: '/v1/t', body: JSON.stringify(message('track', { event: 'Secret' })) });
    assert.equal(seeded.status, 200);
  });

  /**
   * Hostile requests: each is refused with `status`, grants no CORS read (only an
   * allowed origin may read why it was refused: `cors`), and changes nothing (the
   * seeded message stays, nothing new is recorded, no fault window).
   * `headers` may use PORT and TOKEN placeholders.
   * @type {{ name: string, method?: string, path: string, headers?: Record<string, string>, body?: string, status: number, cors?: string }[]}
   */
  const hostile = [
    { name: 'a foreign origin reads /events.json', path: '/events.json', headers: { origin: EVIL }, status: 403 },
    { name: 'a foreign origin reads /requests.json', path: '/requests.json', headers: { origin: EVIL }, status: 403 },
    { name: 'a foreign origin reads the HTML view with CORS', path: '/events', headers: { origin: EVIL }, status: 403 },
    {
      name: 'a foreign origin preflights a read',
      method: 'OPTIONS',
      path: '/events.json',
      headers: { origin: EVIL, 'access-control-request-method': 'GET' },
      status: 403,
    },
    {
      name: 'a foreign origin preflights a control call',
      method: 'OPTIONS',
      path: '/_control/fail',
      headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-collector-token' },
      status: 403,
    },
    {
      name: 'a foreign origin injects a track (text/plain, no preflight)',
      method: 'POST',
      path: '/v1/t',
      headers: { origin: EVIL, 'content-type': 'text/plain' },
      body: JSON.stringify(message('track', { event: 'Injected' })),
      status: 403,
    },
    {
      name: 'a foreign origin injects a batch',
      method: 'POST',
      path: '/v1/b',
      headers: { origin: EVIL, 'content-type': 'text/plain' },
      body: JSON.stringify({ batch: [message('track', { event: 'Injected' })] }),
      status: 403,
    },
    { name: 'a foreign origin fetches settings', path: '/v1/projects/k/settings', headers: { origin: EVIL }, status: 403 },
    { name: 'a sandboxed page (Origin: null) reads /events.json', path: '/events.json', headers: { origin: 'null' }, status: 403 },
    {
      name: 'a look-alike of a loopback origin reads /events.json',
      path: '/events.json',
      headers: { origin: 'http://127.0.0.1.evil.example:3000' },
      status: 403,
    },
    { name: 'a localhost look-alike reads /events.json', path: '/events.json', headers: { origin: 'http://localhost.evil.example' }, status: 403 },
    { name: 'the dev app origin on another port reads /events.json', path: '/events.json', headers: { origin: 'http://devapp.test:3001' }, status: 403 },
    {
      name: 'a cross-site <script>/<img> (no Origin) reads /events.json',
      path: '/events.json',
      headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' },
      status: 403,
    },
    {
      name: 'a cross-site no-cors POST without Origin injects a track',
      method: 'POST',
      path: '/v1/t',
      headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' },
      body: JSON.stringify(message('track', { event: 'Injected' })),
      status: 403,
    },
    { name: 'a DNS-rebinding page (Host: its own name) reads /events.json', path: '/events.json', headers: { host: 'rebind.example:PORT' }, status: 421 },
    { name: 'a DNS-rebinding page reads the HTML view', path: '/events', headers: { host: 'rebind.example:PORT' }, status: 421 },
    {
      name: 'a DNS-rebinding page injects a track',
      method: 'POST',
      path: '/v1/t',
      headers: { host: 'rebind.example:PORT' },
      body: JSON.stringify(message('track', { event: 'Injected' })),
      status: 421,
    },
    { name: 'a loopback Host with another port', path: '/events.json', headers: { host: '127.0.0.1:1' }, status: 421 },
    { name: 'a loopback Host without the port', path: '/events.json', headers: { host: 'localhost' }, status: 421 },
    {
      name: 'DELETE /events without the token, from a loopback origin',
      method: 'DELETE',
      path: '/events',
      headers: { origin: 'http://localhost:3000' },
      status: 401,
      cors: 'http://localhost:3000',
    },
    {
      name: 'switching on the fault mode without the token',
      method: 'POST',
      path: '/_control/fail',
      headers: { origin: 'http://localhost:3000' },
      body: JSON.stringify({ ms: 3_600_000, status: 503 }),
      status: 401,
      cors: 'http://localhost:3000',
    },
    {
      name: 'switching on the fault mode with a wrong token',
      method: 'POST',
      path: '/_control/fail',
      headers: { 'x-collector-token': 'TOKEN-but-wrong' },
      body: JSON.stringify({ ms: 3_600_000, status: 503 }),
      status: 401,
    },
    { name: 'clearing without the token', method: 'POST', path: '/_control/clear', status: 401 },
    {
      name: 'a foreign origin with the right token switches on the fault mode',
      method: 'POST',
      path: '/_control/fail',
      headers: { origin: EVIL, 'x-collector-token': 'TOKEN' },
      body: JSON.stringify({ ms: 3_600_000, status: 503 }),
      status: 403,
    },
  ];

  for (const row of hostile) {
    test(`refuses: ${row.name} (${row.status})`, async () => {
      /** @param {string} v */
      const fill = (v) => v.replaceAll('PORT', String(c.port)).replaceAll('TOKEN', c.controlToken);
      const headers = Object.fromEntries(Object.entries(row.headers ?? {}).map(([k, v]) => [k, fill(v)]));
      const res = await raw(c.port, { method: row.method, path: row.path, headers, body: row.body });
      assert.equal(res.status, row.status, res.text.slice(0, 300));
      assert.equal(res.headers['access-control-allow-origin'], row.cors, 'no CORS grant to a refused origin');
      assert.ok(!res.text.includes('Secret'), 'nothing captured leaks in the answer');
      assert.deepEqual(c.messages().map((m) => m.event), ['Secret'], 'nothing recorded, nothing cleared');
      const next = await raw(c.port, { method: 'POST', path: '/v1/t', body: JSON.stringify(message()) });
      assert.equal(next.status, 200, 'no fault window was opened');
    });
  }

  /**
   * Requests that must keep working: the dev app's origin, loopback origins
   * (a real Backstage app on http://localhost:3000), tools without an Origin,
   * navigations to the view, and control calls with the token.
   * @type {{ name: string, method?: string, path: string, headers?: Record<string, string>, body?: string, status: number, cors?: string }[]}
   */
  const allowed = [
    { name: 'the dev app origin reads /events.json', path: '/events.json', headers: { origin: DEV_APP }, status: 200, cors: DEV_APP },
    {
      name: 'the dev app origin sends a track',
      method: 'POST',
      path: '/v1/t',
      headers: { origin: DEV_APP, 'content-type': 'text/plain' },
      body: JSON.stringify(message()),
      status: 200,
      cors: DEV_APP,
    },
    { name: 'a Backstage app on localhost:3000 fetches settings', path: '/v1/projects/k/settings', headers: { origin: 'http://localhost:3000' }, status: 200, cors: 'http://localhost:3000' },
    {
      name: 'a Backstage app on 127.0.0.1:3000 sends a batch',
      method: 'POST',
      path: '/v1/b',
      headers: { origin: 'http://127.0.0.1:3000' },
      body: JSON.stringify({ batch: [message()] }),
      status: 200,
      cors: 'http://127.0.0.1:3000',
    },
    { name: 'an [::1] origin reads /events.json', path: '/events.json', headers: { origin: 'http://[::1]:3000' }, status: 200, cors: 'http://[::1]:3000' },
    {
      name: 'the dev app preflights a track with extra headers',
      method: 'OPTIONS',
      path: '/v1/t',
      headers: { origin: DEV_APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-retry-count' },
      status: 204,
      cors: DEV_APP,
    },
    { name: 'curl (no Origin) reads /events.json', path: '/events.json', status: 200 },
    { name: 'Host: localhost with the port', path: '/events.json', headers: { host: 'localhost:PORT' }, status: 200 },
    { name: 'Host: [::1] with the port', path: '/events.json', headers: { host: '[::1]:PORT' }, status: 200 },
    {
      name: 'a link from another site opens the view (navigation)',
      path: '/events',
      headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
      status: 200,
    },
    {
      name: 'the fault mode with the token, from the dev app',
      method: 'POST',
      path: '/_control/fail',
      headers: { origin: DEV_APP, 'x-collector-token': 'TOKEN' },
      body: JSON.stringify({ ms: 1, status: 503 }),
      status: 200,
      cors: DEV_APP,
    },
  ];

  for (const row of allowed) {
    test(`answers: ${row.name} (${row.status})`, async () => {
      /** @param {string} v */
      const fill = (v) => v.replaceAll('PORT', String(c.port)).replaceAll('TOKEN', c.controlToken);
      const headers = Object.fromEntries(Object.entries(row.headers ?? {}).map(([k, v]) => [k, fill(v)]));
      const res = await raw(c.port, { method: row.method, path: row.path, headers, body: row.body });
      assert.equal(res.status, row.status, res.text.slice(0, 300));
      assert.equal(res.headers['access-control-allow-origin'], row.cors);
    });
  }

  test('allowOrigin lets one more dev app origin in, at run time', async () => {
    const origin = 'http://backstage.intranet.test:7000';
    assert.equal((await raw(c.port, { path: '/events.json', headers: { origin } })).status, 403);
    c.allowOrigin(origin);
    const res = await raw(c.port, { path: '/events.json', headers: { origin } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], origin);
  });

  test('refuses malformed allowed origins at start', async () => {
    for (const origin of ['*', 'null', 'http://x.test/path', 'ftp://x.test', 'http://u:p@x.test']) {
      await assert.rejects(startCollector({ allowedOrigins: [origin] }), /allowed origins/, origin);
    }
  });
});

describe("Segment's limits decide what is accepted; nothing answers 500 (issue 10, point 10)", () => {
  /** @type {import('./collector.mjs').Collector} */
  let c;
  before(async () => {
    c = await startCollector();
  });
  after(() => c.close());
  beforeEach(() => {
    c.clear();
    c.failFor(0);
  });

  /**
   * Hostile or invalid requests: each answers 4xx with `status` (never 500),
   * records nothing, and leaves every listing answering 200.
   * @type {{ name: string, method?: string, path: string, body?: string | (() => string), headers?: Record<string, string>, status: number, match?: RegExp }[]}
   */
  const rows = [
    { name: 'a track nested 2,500 deep', method: 'POST', path: '/v1/t', body: () => deepTrack(2500), status: 400, match: /nesting/ },
    { name: 'a track nested 129 deep (one past the limit)', method: 'POST', path: '/v1/t', body: () => deepTrack(129), status: 400, match: /nesting/ },
    {
      name: 'a track whose properties are an array nested 10,000 deep',
      method: 'POST',
      path: '/v1/t',
      body: () => JSON.stringify(message()).replace(/}$/, `,"properties":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`),
      status: 400,
      match: /nesting/,
    },
    {
      name: 'a batch holding a message nested 2,000 deep',
      method: 'POST',
      path: '/v1/b',
      body: () => `{"batch":[${JSON.stringify(message())},${deepTrack(2000)}]}`,
      status: 400,
      match: /nesting/,
    },
    {
      name: 'a batch of 2,501 messages',
      method: 'POST',
      path: '/v1/b',
      body: () => JSON.stringify({ batch: Array.from({ length: 2501 }, (_, i) => ({ type: 'track', event: 'e', anonymousId: 'a', messageId: `m${i}` })) }),
      status: 400,
      match: /2500/,
    },
    {
      name: 'a single message padded past 32 KB with whitespace',
      method: 'POST',
      path: '/v1/t',
      body: () => `${JSON.stringify(message())}${' '.repeat(33 * 1024)}`,
      status: 400,
      match: /32 KB/,
    },
    { name: 'a group without groupId on /v1/g', method: 'POST', path: '/v1/g', body: () => JSON.stringify(message('group', { groupId: undefined })), status: 400, match: /groupId/ },
    { name: 'a group with an empty groupId', method: 'POST', path: '/v1/group', body: () => JSON.stringify(message('group', { groupId: '' })), status: 400, match: /groupId/ },
    { name: 'a group whose groupId is an object', method: 'POST', path: '/v1/g', body: () => JSON.stringify(message('group', { groupId: { id: 1 } })), status: 400, match: /groupId/ },
    {
      name: 'a batch holding a group without groupId',
      method: 'POST',
      path: '/v1/b',
      body: () => JSON.stringify({ batch: [message('identify'), message('group', { groupId: undefined })] }),
      status: 400,
      match: /batch\[1\]: groupId/,
    },
    { name: 'an alias without previousId', method: 'POST', path: '/v1/a', body: () => JSON.stringify(message('alias', { previousId: undefined })), status: 400, match: /previousId/ },
    { name: '/events.json?limit=abc', path: '/events.json?limit=abc', status: 400, match: /limit/ },
    { name: '/events.json?limit=-1', path: '/events.json?limit=-1', status: 400, match: /limit/ },
    { name: '/events.json?limit=1000000000', path: '/events.json?limit=1000000000', status: 400, match: /limit/ },
    { name: '/events.json?offset=1e3', path: '/events.json?offset=1e3', status: 400, match: /offset/ },
    { name: '/events?limit=0', path: '/events?limit=0', status: 400, match: /limit/ },
    { name: '/requests.json?before=x', path: '/requests.json?before=x', status: 400, match: /before/ },
    { name: 'an absolute-form request target that is not a URL', path: 'http://[', status: 400 },
    {
      name: 'a fault window of 1e308 ms (with the token)',
      method: 'POST',
      path: '/_control/fail',
      headers: { 'x-collector-token': 'TOKEN' },
      body: () => JSON.stringify({ ms: 1e308 }),
      status: 400,
      match: /ms must be/,
    },
    {
      name: 'a fault window whose ms is an array nested 8,000 deep (with the token)',
      method: 'POST',
      path: '/_control/fail',
      headers: { 'x-collector-token': 'TOKEN' },
      body: () => `{"ms":${'['.repeat(8000)}${']'.repeat(8000)}}`,
      status: 400,
      match: /with number values/,
    },
    {
      name: 'a fault window answering 101 (with the token)',
      method: 'POST',
      path: '/_control/fail',
      headers: { 'x-collector-token': 'TOKEN' },
      body: () => JSON.stringify({ ms: 1000, status: 101 }),
      status: 400,
      match: /status must be/,
    },
  ];

  for (const row of rows) {
    test(`answers ${row.status}, not 500: ${row.name}`, async () => {
      const body = typeof row.body === 'function' ? row.body() : row.body;
      const headers = Object.fromEntries(Object.entries(row.headers ?? {}).map(([k, v]) => [k, v.replaceAll('TOKEN', c.controlToken)]));
      const res = await raw(c.port, { method: row.method, path: row.path, headers, body });
      assert.equal(res.status, row.status, res.text.slice(0, 300));
      if (row.match) assert.match(res.text, row.match);
      assert.deepEqual(c.messages(), [], 'nothing recorded');
      for (const path of ['/events', '/', '/events.json', '/requests.json']) {
        assert.equal((await raw(c.port, { path })).status, 200, `${path} still answers`);
      }
      assert.equal((await raw(c.port, { method: 'POST', path: '/v1/t', body: JSON.stringify(message()) })).status, 200, 'no fault window');
    });
  }

  test('accepts a message nested exactly 128 deep, and lists it', async () => {
    const res = await raw(c.port, { method: 'POST', path: '/v1/t', body: deepTrack(128) });
    assert.equal(res.status, 200, res.text);
    assert.equal((await raw(c.port, { path: '/events' })).status, 200);
    assert.equal(JSON.parse((await raw(c.port, { path: '/events.json' })).text).messages.length, 1);
  });

  test('accepts group calls with a groupId, singly and in batches', async () => {
    assert.equal((await raw(c.port, { method: 'POST', path: '/v1/g', body: JSON.stringify(message('group')) })).status, 200);
    const batch = { batch: [message('identify', { userId: 'u' }), message('group', { groupId: 'abc123' }), message('group', { groupId: 42 })] };
    assert.equal((await raw(c.port, { method: 'POST', path: '/v1/b', body: JSON.stringify(batch) })).status, 200);
    assert.deepEqual(c.messages().map((m) => m.type), ['group', 'identify', 'group', 'group']);
  });
});

describe('what is stored and rendered is bounded (issue 10, point 10)', () => {
  /** @type {import('./collector.mjs').Collector | undefined} */
  let c;
  after(() => c?.close());

  /** A valid track of about `kb` KB. @param {number} kb @param {string} event */
  const bigTrack = (kb, event) => message('track', { event, properties: { blob: 'x'.repeat(kb * 1024) } });

  test('keeps at most maxStoredBytes of messages, dropping the oldest', async () => {
    c = await startCollector({ maxStoredBytes: 1024 * 1024 });
    for (let i = 0; i < 100; i++) {
      assert.equal((await raw(c.port, { method: 'POST', path: '/v1/t', body: JSON.stringify(bigTrack(30, `E${i}`)) })).status, 200);
    }
    const kept = c.messages();
    const bytes = kept.reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m)), 0);
    assert.ok(bytes <= 1024 * 1024, `kept ${bytes} bytes`);
    assert.ok(kept.length >= 30 && kept.length < 40, `kept ${kept.length}`);
    assert.equal(kept.at(-1)?.event, 'E99', 'the newest is kept');
    const listing = JSON.parse((await raw(c.port, { path: '/events.json' })).text);
    assert.equal(listing.total, kept.length);
    assert.equal(listing.dropped, 100 - kept.length);
    await c.close();
    c = undefined;
  });

  test('/events.json pages (default 100, cut at 2 MB), and following next gives each message once, newest first', async () => {
    c = await startCollector();
    for (let start = 0; start < 130; start += 10) {
      const batch = Array.from({ length: 10 }, (_, i) => bigTrack(30, `E${start + i}`));
      assert.equal((await raw(c.port, { method: 'POST', path: '/v1/b', body: JSON.stringify({ batch }) })).status, 200);
    }
    const first = await raw(c.port, { path: '/events.json' });
    assert.ok(first.text.length < 2.2 * 1024 * 1024, `first page is ${first.text.length} bytes`);
    /** @type {string[]} */
    const seen = [];
    for (let next = '/events.json?limit=1000', pages = 0; next; pages++) {
      assert.ok(pages < 10, 'paging ends');
      const page = JSON.parse((await raw(c.port, { path: next })).text);
      assert.ok(page.messages.length > 0);
      seen.push(...page.messages.map((/** @type {any} */ r) => r.message.event));
      next = page.next;
    }
    assert.deepEqual(seen, Array.from({ length: 130 }, (_, i) => `E${129 - i}`));
    const small = JSON.parse((await raw(c.port, { path: '/events.json?limit=5&offset=5' })).text);
    assert.deepEqual(small.messages.map((/** @type {any} */ r) => r.message.event), ['E124', 'E123', 'E122', 'E121', 'E120']);
    await c.close();
    c = undefined;
  });

  test('the HTML view shows one page and cuts each message, however big', async () => {
    c = await startCollector();
    // 20 KB of JSON that pretty-prints to 100 KB: one array element per line.
    const wide = (/** @type {number} */ i) => message('track', { event: `W${i}`, properties: { list: new Array(10_000).fill(0) } });
    for (let i = 0; i < 80; i++) assert.equal((await raw(c.port, { method: 'POST', path: '/v1/t', body: JSON.stringify(wide(i)) })).status, 200);
    const html = (await raw(c.port, { path: '/events' })).text;
    assert.ok(html.length < 1024 * 1024, `view is ${html.length} characters`);
    assert.ok(html.includes('W79') && !html.includes('>W29<'), 'newest page only');
    assert.match(html, /cut at 8192 characters/);
    const older = (await raw(c.port, { path: '/events?limit=10&offset=70' })).text;
    assert.ok(older.includes('>W9<') && older.includes('>W0<') && !older.includes('>W10<'));
    await c.close();
    c = undefined;
  });

  test('the view shows group calls and each call\'s group', async () => {
    c = await startCollector();
    const group = message('group', { groupId: 'group:default/<team-a>', traits: { name: 'Team A' } });
    const tracked = message('track', { event: 'Opened', context: { groupId: 'group:default/<team-a>' } });
    assert.equal((await raw(c.port, { method: 'POST', path: '/v1/b', body: JSON.stringify({ batch: [group, tracked] }) })).status, 200);
    const html = (await raw(c.port, { path: '/events' })).text;
    assert.match(html, /<tr class="t-group">/);
    assert.ok(html.includes('group:default/&lt;team-a&gt; (Team A)'), 'group summary: groupId and name');
    assert.ok(/Opened<\/td><td>[^<]*<\/td><td>anon-1<\/td><td>group:default\/&lt;team-a&gt;<\/td>/.test(html), "the track's group column");
    await c.close();
    c = undefined;
  });
});

describe('slow requests time out (issue 10, point 10)', () => {
  /** @type {import('./collector.mjs').Collector} */
  let c;
  before(async () => {
    c = await startCollector({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
  });
  after(() => c.close());

  /**
   * Writes `text` on a raw connection and resolves with what came back once the
   * server closes it, or rejects after `deadlineMs`.
   * @param {string} text
   * @param {number} deadlineMs
   * @returns {Promise<string>}
   */
  function stall(text, deadlineMs) {
    return new Promise((resolve, reject) => {
      const socket = connect(c.port, '127.0.0.1', () => socket.write(text));
      let received = '';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`still open after ${deadlineMs} ms`));
      }, deadlineMs);
      socket.on('data', (chunk) => {
        received += chunk;
      });
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(received);
      });
      socket.on('error', () => {});
    });
  }

  /** @type {{ name: string, text: (port: number) => string }[]} */
  const slow = [
    { name: 'headers that never end', text: (port) => `POST /v1/t HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/plain\r\n` },
    {
      name: 'a body that never ends',
      text: (port) => `POST /v1/t HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 1000\r\n\r\n{"type":"track",`,
    },
    {
      name: 'a chunked body that never ends',
      text: (port) => `POST /v1/b HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"bat\r\n`,
    },
  ];

  for (const row of slow) {
    test(`closes the connection on ${row.name}`, async () => {
      const answer = await stall(row.text(c.port), 5000);
      assert.ok(answer === '' || /^HTTP\/1\.1 (408|400)/.test(answer), answer.slice(0, 100));
      assert.deepEqual(c.messages(), []);
    });
  }

  test('reports its limits', () => {
    assert.deepEqual(
      { ...c.limits },
      { maxRecords: 10_000, maxStoredBytes: 16 * 1024 * 1024, maxMessageBytes: 32_768, maxBatchBytes: 512_000, maxDepth: 128, headersTimeoutMs: 300, requestTimeoutMs: 600 },
    );
  });
});

describe('the command line collector', () => {
  test('prints the exact app-config.yaml block and a working control token', async () => {
    const cli = fileURLToPath(new URL('./cli.mjs', import.meta.url));
    const child = spawn(process.execPath, [cli, '--port', '0', '--quiet', '--allow-origin', DEV_APP], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const out = await new Promise((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (chunk) => {
          text += chunk;
          if (text.includes('Ctrl-C')) resolve(text);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${text}`)));
      });
      const url = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      assert.ok(url, out);
      const block = /# ---8<---\n([\s\S]*?)# --->8---/.exec(out)?.[1];
      assert.equal(
        block,
        ['app:', '  analytics:', '    segment:', '      writeKey: "dev-collector"', `      apiHost: ${url[1]}/v1`, `      cdnURL: ${url[1]}`, ''].join('\n'),
      );
      assert.ok(!/protocol/.test(out), 'no protocol key: the scheme is in apiHost');
      assert.ok(out.includes(DEV_APP), 'names the allowed dev app origin');
      const token = /control token: (\S+)/.exec(out)?.[1] ?? '';
      const port = Number(url[2]);
      assert.equal((await raw(port, { method: 'POST', path: '/_control/clear' })).status, 401);
      assert.equal((await raw(port, { method: 'POST', path: '/_control/clear', headers: { 'x-collector-token': token } })).status, 200);
    } finally {
      child.kill();
    }
  });
});
