// @ts-check
// The package exported as a Red Hat Developer Hub dynamic plugin
// (`npm run export-dynamic`), loaded in headless Chromium the way RHDH loads
// it, sending to the embedded collector. Run by `npm run test:rhdh`
// (e2e/rhdh/run.mjs: hard time-out, work tree checked clean).
//
// Hosts (see e2e/rhdh/host/): RHDH's legacy app (Scalprum: plugin manifest,
// entry callback, container `init` with the host's share scope, `get` of
// PluginRoot, `fromConfig(config, { identityApi })` of the class named by
// analyticsApiExtensions), with the frontend-plugin-api and core-plugin-api
// versions of RHDH 1.10.3 and of RHDH main; and RHDH's New Frontend System
// app (module federation runtime, `loadRemote`, the default export installed
// as a feature).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import configLoader from '@backstage/config-loader';
import { startCollector } from '../../dev/collector/collector.mjs';
import { browserMissing, openBrowser } from '../support/browser.mjs';
import { buildApp } from '../support/buildApp.mjs';
import { exportOnce } from './exported.mjs';
import { serveRhdh } from './serveRhdh.mjs';
import { sha256 } from '../support/sha256.mjs';

const EXPORT_TIMEOUT_S = 900;
const PLUGIN_SCOPE = 'backstage-plugin-analytics-module-segment';

/** The RHDH legacy-app hosts: the Backstage packages RHDH pins older than this package, bundled under npm aliases. */
const LEGACY_HOSTS = [
  {
    name: 'RHDH 1.10.3',
    frontendPluginApi: '0.15.1',
    alias: { '@backstage/frontend-plugin-api': 'rhdh-1.10-frontend-plugin-api', '@backstage/core-plugin-api': 'rhdh-1.10-core-plugin-api' },
  },
  {
    name: 'RHDH main (2.0.0-dev, Backstage 1.52.0)',
    frontendPluginApi: '0.17.2',
    alias: { '@backstage/frontend-plugin-api': 'rhdh-main-frontend-plugin-api', '@backstage/core-plugin-api': 'rhdh-main-core-plugin-api' },
  },
];

// RHDH's guest user (legacy host), and the New Frontend System app's guest.
const RHDH_GUEST = 'user:development/guest';
const NFS_GUEST = 'user:default/guest';

const context = { routeRef: 'catalog', pluginId: 'catalog', extension: 'CatalogIndexPage' };
/** What a user does in the legacy host; `end` marks the last event. */
const EVENTS = [
  { path: '/catalog', title: 'Catalog', event: { action: 'navigate', subject: '/catalog', context } },
  { event: { action: 'click', subject: 'Docs link', attributes: { to: '/docs' }, context } },
  { event: { action: 'search', subject: 'kubernetes', context: { ...context, searchTypes: 'software-catalog' } } },
  { event: { action: 'custom', subject: 'dashboard', value: 3, attributes: { tab: 'overview' }, context } },
  { event: { action: 'end', subject: 'marker', context } },
];
const TRACKED = ['click', 'search', 'custom', 'end'];

const missing = browserMissing();
/** @type {import('./exported.mjs').Exported} */
let exported;
/** Everything started by a test, stopped in reverse order after it. */
/** @type {Array<() => Promise<unknown>>} */
const running = [];
const stopAll = async () => {
  while (running.length) await /** @type {() => Promise<unknown>} */ (running.pop())().catch(e => console.error('cleanup failed:', e));
};

before(async () => {
  exported = await exportOnce(EXPORT_TIMEOUT_S);
}, { timeout: (EXPORT_TIMEOUT_S + 300) * 1000 });
after(async () => {
  await stopAll();
  exported?.remove();
});

/**
 * Serves `hostDir` with the unpacked plugin, a collector and Chromium.
 * @param {string} hostDir
 * @param {(origin: string, segment: object) => { config: object, [key: string]: unknown }} testFor
 */
async function start(hostDir, testFor) {
  const collector = await startCollector();
  running.push(() => collector.close());
  const segment = { writeKey: 'rhdh-e2e', cdnURL: collector.url, apiHost: `http://${collector.apiHost}`, userIdTransform: 'sha-256' };
  const server = await serveRhdh({ hostDir, packageDir: exported.packageDir, testFor: origin => testFor(origin, segment) });
  running.push(() => server.close());
  const browser = await openBrowser();
  running.push(() => browser.close());
  /** @type {string[]} */
  const warnings = [];
  browser.page.on('console', message => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  return { collector, server, browser, page: browser.page, warnings };
}

/** Legacy host config: app.analytics.segment plus the plugin's dynamicPlugins entry, as in README "Red Hat Developer Hub". */
const legacyConfig = (/** @type {string} */ origin, /** @type {object} */ segment) => ({
  app: { analytics: { segment } },
  backend: { baseUrl: origin },
  dynamicPlugins: { frontend: { [PLUGIN_SCOPE]: { analyticsApiExtensions: [{ importName: 'SegmentAnalytics' }] } } },
});

/**
 * The collector's messages once every event of EVENTS has arrived, plus a
 * short quiet time in which a second sender's copies would show up.
 * @param {Awaited<ReturnType<typeof startCollector>>} collector
 */
async function receivedAll(collector) {
  await collector.waitFor(m => TRACKED.every(e => m.some(x => x.event === e)) && m.some(x => x.type === 'page'), 20_000);
  await new Promise(r => setTimeout(r, 1500));
  return collector.messages();
}

/**
 * Every message is the guest's, pseudonymized; the plaintext ref is nowhere,
 * neither in what arrived nor in any request the page made.
 * @param {Record<string, any>[]} messages
 * @param {{ requests: { url: string, method: string, body: string }[] }} browser
 * @param {string} ref
 */
function assertPseudonymized(messages, browser, ref) {
  const identify = messages.filter(m => m.type === 'identify');
  assert.equal(identify.length, 1, 'one identify call');
  assert.equal(identify[0].userId, sha256(ref));
  assert.deepEqual([...new Set(messages.map(m => m.userId))], [sha256(ref)], 'every call carries the sha-256 id');
  const plaintext = [ref, encodeURIComponent(ref)];
  const received = JSON.stringify(messages);
  const sent = browser.requests.map(r => `${r.method} ${r.url} ${r.body}`).join('\n');
  for (const p of plaintext) {
    assert.ok(!received.includes(p), `plaintext ${p} in a message`);
    assert.ok(!sent.includes(p), `plaintext ${p} in a request`);
  }
  assert.ok(!/segment\.(com|io)|segmentapis\.com/.test(sent), 'nothing goes to Segment itself');
}

/** How many times each tracked event arrived. */
const counts = (/** @type {Record<string, any>[]} */ messages) =>
  Object.fromEntries(TRACKED.map(e => [e, messages.filter(m => m.type === 'track' && m.event === e).length]));

describe('npm run export-dynamic', () => {
  it("leaves the package's own build (dist/) and what npm pack ships byte-for-byte as they were", () => {
    assert.notEqual(exported.before.dist, 'absent', 'there was a build to keep');
    assert.deepEqual(exported.after, exported.before);
  });

  it('prints the sha512 integrity of the tarball, which holds the Scalprum and module federation builds', () => {
    const { tarball, integrity, derivedPackage } = exported.summary;
    assert.equal(integrity, `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`);
    assert.equal(derivedPackage, `${PLUGIN_SCOPE}-dynamic`);
    const manifest = JSON.parse(readFileSync(join(exported.packageDir, 'dist-scalprum', 'plugin-manifest.json'), 'utf8'));
    assert.equal(manifest.name, PLUGIN_SCOPE, 'the Scalprum scope README documents');
    assert.ok(existsSync(join(exported.packageDir, 'dist', 'mf-manifest.json')), 'the module federation manifest');
    assert.ok(existsSync(join(exported.packageDir, 'dist-scalprum', 'configSchema.json')), 'the config schema RHDH validates against');
  });

  it("ships config schemas on which RHDH's app backend still serves the app when a value has the wrong type", async () => {
    // What RHDH's app backend does with them (plugin-app-backend's readFrontendConfig): the frontend-visible
    // config, processed against the app's schema with every dynamic plugin's added, and a throw means no app served.
    const wrong = [{ batching: true }, { consent: 'opt-in' }, { allowedAttributes: 'kind' }, { redact: { patterns: '\\d+' } }, { agent: 'off' }];
    for (const file of [join('dist-scalprum', 'configSchema.json'), join('dist', '.config-schema.json')]) {
      const value = JSON.parse(readFileSync(join(exported.packageDir, file), 'utf8'));
      const schema = await configLoader.loadConfigSchema({ serialized: { backstageConfigSchemaVersion: 1, schemas: [{ path: file, value }] } });
      for (const segment of [{}, ...wrong]) {
        const data = { app: { analytics: { segment: { writeKey: 'k', ...segment } } } };
        const [processed] = schema.process([{ context: 'app-config.yaml', data }], { visibility: ['frontend'], withDeprecatedKeys: true });
        // The module reads every value in the browser and reports what is wrong: the value reaches it.
        assert.deepEqual(processed.data, data, `${file}: ${JSON.stringify(segment)}`);
      }
    }
  });
});

describe('the Scalprum build in an RHDH legacy-app host', { skip: missing }, () => {
  for (const host of LEGACY_HOSTS) {
    it(`${host.name}: SegmentAnalytics from PluginRoot sends sha-256 ids only, with the host's frontend-plugin-api ${host.frontendPluginApi}`, async t => {
      t.after(stopAll);
      const hostDir = await buildApp('e2e/rhdh/host/legacyHost.mjs', { alias: host.alias });
      const h = await start(hostDir, (origin, segment) => ({ staticToo: false, config: legacyConfig(origin, segment) }));
      await h.page.goto(`${h.server.url}/`);
      const loaded = await h.page.evaluate(() => /** @type {any} */ (window).rhdhHost.load());

      // The plugin ran on the host's modules: frontend-plugin-api is the host's older version.
      assert.equal(loaded.dynamicClasses, 1);
      assert.equal(loaded.provided['@backstage/frontend-plugin-api'], host.frontendPluginApi);
      assert.ok(loaded.consumed.includes(`@backstage/frontend-plugin-api@${host.frontendPluginApi}`), `consumed: ${loaded.consumed}`);

      await h.page.evaluate(events => /** @type {any} */ (window).rhdhHost.run(events), EVENTS);
      const messages = await receivedAll(h.collector);
      // Also what the lazily loaded library took: every module taken from the host is one it provides.
      for (const taken of await h.page.evaluate(() => /** @type {any} */ (window).rhdhHost.consumed())) {
        const name = taken.slice(0, taken.lastIndexOf('@'));
        assert.equal(`${name}@${loaded.provided[name]}`, taken, `${taken} is one the host provides`);
      }
      assertPseudonymized(messages, h.browser, RHDH_GUEST);
      assert.deepEqual(counts(messages), { click: 1, search: 1, custom: 1, end: 1 });
      const page = messages.find(m => m.type === 'page');
      assert.equal(page?.properties.path, '/catalog');
      assert.equal(page?.properties.title, 'Catalog');
      const custom = messages.find(m => m.event === 'custom');
      assert.deepEqual([custom?.properties.value, custom?.properties.attributes], [3, { tab: 'overview' }]);
      assert.deepEqual(h.browser.errors, [], 'no uncaught error in the page');
      assert.deepEqual(h.warnings.filter(w => /segment/i.test(w)), [], 'no warning from the module');
    });
  }

  it('never twice: the app registers SegmentAnalytics itself and loads the dynamic plugin too; each event is sent once', async t => {
    t.after(stopAll);
    const host = LEGACY_HOSTS[LEGACY_HOSTS.length - 1];
    const hostDir = await buildApp('e2e/rhdh/host/legacyHost.mjs', { alias: host.alias });
    const h = await start(hostDir, (origin, segment) => ({ staticToo: true, config: legacyConfig(origin, segment) }));
    await h.page.goto(`${h.server.url}/`);
    const loaded = await h.page.evaluate(() => /** @type {any} */ (window).rhdhHost.load());
    assert.equal(loaded.dynamicClasses, 1, 'the dynamic plugin was loaded and constructed too');

    await h.page.evaluate(events => /** @type {any} */ (window).rhdhHost.run(events), EVENTS);
    const messages = await receivedAll(h.collector);
    assertPseudonymized(messages, h.browser, RHDH_GUEST);
    assert.deepEqual(counts(messages), { click: 1, search: 1, custom: 1, end: 1 });
    assert.equal(messages.filter(m => m.type === 'page').length, 1);
    // Both were built before any event: the dynamic plugin's, built last, took the write key over from the app's
    // own, which may have fetched the settings by then (its library's start was under way); it sends nothing.
    const settings = h.collector.requests().filter(r => r.path.includes('/settings'));
    assert.ok(settings.length >= 1 && settings.length <= 2, `the library started by one instance, or two: ${settings.length}`);
    const stayedOff = h.warnings.filter(w => w.includes('stays off'));
    assert.equal(stayedOff.length, 1, `one warning: ${h.warnings.join(' | ')}`);
    assert.match(stayedOff[0], /write key "rhdh-e…"/);
  });
});

describe('the module federation build in an RHDH New Frontend System host', { skip: missing }, () => {
  /** @param {string} origin */
  const remote = origin => ({
    packageName: `${PLUGIN_SCOPE}-dynamic`,
    exposedModules: ['.'],
    remoteInfo: {
      name: JSON.parse(readFileSync(join(exported.packageDir, 'dist', 'mf-manifest.json'), 'utf8')).name,
      entry: `${origin}/api/mf/${PLUGIN_SCOPE}-dynamic/mf-manifest.json`,
    },
  });

  it('SegmentAnalytics from the exposed module, built with fromConfig, sends sha-256 ids only', async t => {
    t.after(stopAll);
    const hostDir = await buildApp('e2e/rhdh/host/mfHost.mjs');
    const h = await start(hostDir, (origin, segment) => ({
      mode: 'direct',
      remote: remote(origin),
      config: { app: { analytics: { segment } }, backend: { baseUrl: origin } },
    }));
    await h.page.goto(`${h.server.url}/`);
    const { exports } = await h.page.evaluate(() => /** @type {any} */ (window).rhdhHost.direct());
    assert.deepEqual(exports, [
      'SegmentAnalytics',
      // The user's own choice (issue 18): its API, and the settings card.
      'SegmentConsent',
      'SegmentUsageAnalyticsSettings',
      'default',
      'segmentAnalyticsImplementation',
      'segmentAnalyticsModule',
      'segmentConsentApiRef',
    ]);
    await h.page.evaluate(events => /** @type {any} */ (window).rhdhHost.run(events), EVENTS);
    const messages = await receivedAll(h.collector);
    assertPseudonymized(messages, h.browser, RHDH_GUEST);
    assert.deepEqual(counts(messages), { click: 1, search: 1, custom: 1, end: 1 });
    assert.deepEqual(h.browser.errors, [], 'no uncaught error in the page');
  });

  it('the New Frontend System module (the default export) installed as a feature sends page calls with sha-256 ids only', async t => {
    t.after(stopAll);
    const hostDir = await buildApp('e2e/rhdh/host/mfHost.mjs');
    const h = await start(hostDir, (origin, segment) => ({
      mode: 'nfs',
      remote: remote(origin),
      config: {
        app: { title: 'RHDH NFS host', baseUrl: origin, analytics: { segment }, extensions: [{ 'sign-in-page:app': false }] },
        backend: { baseUrl: 'http://127.0.0.1:9' },
      },
    }));
    await h.page.goto(`${h.server.url}/nfs-one`);
    await h.page.waitForSelector('[data-testid=nfs-one-link]', { timeout: 30_000 });
    assert.deepEqual(await h.page.evaluate(() => /** @type {any} */ (window).rhdhHost.features), ['@backstage/FrontendModule']);
    await h.page.click('[data-testid=nfs-one-link]');
    await h.page.waitForSelector('[data-testid=nfs-two]');
    const messages = await h.collector.waitFor(
      m => m.some(x => x.type === 'page' && x.properties.path === '/nfs-two') && m.some(x => x.event === 'click'),
      20_000,
    );
    assertPseudonymized(messages, h.browser, NFS_GUEST);
    const two = messages.find(m => m.type === 'page' && m.properties.path === '/nfs-two');
    assert.deepEqual([two?.properties.pluginId, two?.properties.extensionId], ['nfs-pages', 'page:nfs-pages/two']);
    assert.deepEqual(h.browser.errors, [], 'no uncaught error in the page');
  });
});
