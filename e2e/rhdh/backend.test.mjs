// @ts-check
// The backend plugin (backend/) exported as a Red Hat Developer Hub backend
// dynamic plugin (`npm run export-dynamic -- backend`), unpacked and loaded the
// way RHDH's backend loads one, then run in a real Backstage backend
// (@backstage/backend-defaults) with one event posted through it to the
// embedded collector. Run by `npm run test:rhdh` (e2e/rhdh/run.mjs).
//
// RHDH's loader (@backstage/backend-dynamic-feature-service): reads each
// unpacked package's package.json (backstage.role backend-plugin), loads it
// with CommonJS `require(<plugin folder>)`, takes the default export when it is
// a BackendFeature and adds it to the backend. The @backstage/* packages the
// CLI made peer dependencies come from the host's node_modules; everything
// else from the plugin's own bundled node_modules. Here the tarball is
// unpacked inside backend/ (.e2e-artifacts/), so the host is backend/node_modules.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve, sep } from 'node:path';
import { after, before, test } from 'node:test';
import { startCollector } from '../../dev/collector/collector.mjs';
import { GUEST, startSegmentBackend } from '../../backend/dev/startSegmentBackend.mjs';
import { exportOnce } from './exported.mjs';

const BACKEND = resolve(import.meta.dirname, '../../backend');
const EXPORT_TIMEOUT_S = 600;
const WRITE_KEY = 'rhdh-backend-write-key-5c2a';
const HMAC_KEY = 'rhdh-backend-hmac-key-0f3e9a7b1c5d2e8f4a6b';

/** @type {import('./exported.mjs').Exported} */
let exported;
/** @type {Record<string, any>} */
let manifest;

before(async () => {
  exported = await exportOnce(EXPORT_TIMEOUT_S, { packageDir: BACKEND, unpackUnder: join(BACKEND, '.e2e-artifacts') });
  manifest = JSON.parse(readFileSync(join(exported.packageDir, 'package.json'), 'utf8'));
});
after(() => exported?.remove());

test("the export leaves backend/'s own build and npm pack contents as they were", () => {
  assert.deepEqual(exported.after, exported.before);
  assert.notEqual(exported.before.dist, 'absent');
});

test('the tarball has the printed sha512 integrity', () => {
  const digest = createHash('sha512').update(readFileSync(exported.summary.tarball)).digest('base64');
  assert.equal(exported.summary.integrity, `sha512-${digest}`);
  assert.equal(exported.summary.derivedPackage, 'backstage-plugin-analytics-module-segment-backend-dynamic');
});

test('its package.json is a backend dynamic plugin: built main, role, shared @backstage/* as peers, the rest bundled', () => {
  assert.equal(manifest.name, 'backstage-plugin-analytics-module-segment-backend-dynamic');
  assert.equal(manifest.main, 'dist/index.cjs.js');
  assert.equal(manifest.backstage.role, 'backend-plugin');
  assert.equal(manifest.backstage.pluginId, 'segment-analytics');
  assert.equal(manifest.bundleDependencies, true);
  assert.deepEqual(manifest.scripts, {});
  assert.deepEqual(Object.keys(manifest.peerDependencies).sort(), ['@backstage/backend-plugin-api']);
  assert.deepEqual(Object.keys(manifest.dependencies).sort(), ['express', 'express-promise-router']);
  for (const dep of Object.keys(manifest.dependencies)) {
    assert.ok(existsSync(join(exported.packageDir, 'node_modules', dep, 'package.json')), `${dep} is bundled`);
  }
  assert.ok(!existsSync(join(exported.packageDir, 'node_modules', '@backstage')), 'no @backstage package is bundled');
  // RHDH validates the plugin's pluginConfig against this schema; the secrets are marked secret.
  const schema = JSON.parse(readFileSync(join(exported.packageDir, 'dist', 'configSchema.json'), 'utf8'));
  const relay = schema.properties.segmentAnalytics.properties;
  assert.equal(relay.writeKey.visibility, 'secret');
  assert.equal(relay.hmacKey.visibility, 'secret');
});

test('loaded as RHDH loads it, it runs in a real backend and relays one event to the collector', async t => {
  const pluginRequire = createRequire(join(exported.packageDir, 'package.json'));
  const loaded = pluginRequire(exported.packageDir);
  assert.equal(loaded.default?.$$type, '@backstage/BackendFeature', 'the default export is a BackendFeature');
  // Private dependencies from the plugin's own node_modules, shared ones from the host.
  assert.ok(pluginRequire.resolve('express').startsWith(exported.packageDir + sep), 'express comes from the bundle');
  assert.ok(!pluginRequire.resolve('@backstage/backend-plugin-api').startsWith(exported.packageDir + sep), '@backstage/* come from the host');

  const collector = await startCollector({ writeKeys: [WRITE_KEY] });
  t.after(() => collector.close());
  const backend = await startSegmentBackend({ upstreamUrl: `${collector.url}/v1`, writeKey: WRITE_KEY, hmacKey: HMAC_KEY, plugin: loaded.default });
  t.after(() => backend.stop());
  const { token } = await backend.signIn();
  const { cookie } = await backend.userCookie(token);

  const call = {
    type: 'track',
    event: 'rhdh-dynamic-backend',
    messageId: `ajs-next-${Date.now()}-rhdh`,
    anonymousId: 'c0ffee00-anon',
    userId: GUEST.userEntityRef,
    timestamp: new Date().toISOString(),
    context: { page: { path: '/catalog' }, library: { name: 'analytics.js', version: 'npm:next-1.84.3' } },
    writeKey: 'placeholder',
    sentAt: new Date().toISOString(),
  };
  const res = await fetch(`${backend.relayUrl}/v1/t`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain', Authorization: `Basic ${btoa('placeholder:')}`, Cookie: cookie },
    body: JSON.stringify(call),
  });
  assert.equal(res.status, 200, await res.text());
  const [received] = await collector.waitFor(messages => messages.length >= 1, 10_000);
  assert.equal(received.messageId, call.messageId);
  assert.equal(received.event, 'rhdh-dynamic-backend');
  assert.equal(received.userId, createHmac('sha256', HMAC_KEY).update(GUEST.userEntityRef, 'utf8').digest('hex'));
  assert.ok(!JSON.stringify(collector.records()).includes(GUEST.userEntityRef), 'no plaintext user ref reaches Segment');
});
