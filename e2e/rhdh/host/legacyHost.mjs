// @ts-check
// A page that loads dynamic analytics plugins the way RHDH's legacy app does
// (packages/app: ScalprumRoot, DynamicRoot, initializeRemotePlugins):
//  1. GET {backend}/api/scalprum/plugins: { [scope]: { name, manifestLocation } };
//  2. for each `dynamicPlugins.frontend.<scope>.analyticsApiExtensions` entry
//     ({ module = 'PluginRoot', importName = 'default' }): fetch the plugin
//     manifest, load its scripts from {backend}/api/scalprum/{name}/, take the
//     container from the entry callback, `init` it with the host's share scope,
//     `get` the exposed module;
//  3. build the app's analytics API as an API factory would:
//     MultipleAnalyticsApi.fromApis(classes.map(c => c.fromConfig(configApi, { identityApi }))).
// With `staticToo`, the app also registers this repository's SegmentAnalytics
// itself (a legacy app's apis.ts), before the dynamic ones.
import { ConfigReader } from '@backstage/config';
import { MultipleAnalyticsApi } from '@backstage/core-app-api';
import { SegmentAnalytics as AppsOwnSegmentAnalytics } from '../../../src';
import { LEGACY_HOST_SHARED, legacyHostShareScope } from './legacyShares.mjs';
import { guestIdentity, runEvents } from './pageSupport.mjs';

/**
 * @typedef {object} Container a webpack module federation container
 * @property {(scope: object) => Promise<void> | void} init
 * @property {(module: string) => Promise<() => Record<string, unknown>>} get
 */

/** @typedef {{ fromConfig: (config: unknown, options: { identityApi: unknown }) => import('@backstage/core-plugin-api').AnalyticsApi }} AnalyticsApiClass */

const test = /** @type {{ config: any, staticToo: boolean }} */ (/** @type {any} */ (window).__RHDH_TEST__);
const { scope: shareScope, consumed } = legacyHostShareScope();

/** @type {Map<string, (container: Container) => void>} */
const waitingEntries = new Map();
// The Scalprum build's entry script calls this with the plugin name and its container.
/** @type {any} */ (window).__load_plugin_entry__ = (/** @type {string} */ name, /** @type {Container} */ container) => {
  waitingEntries.get(name)?.(container);
};

/**
 * The plugin's container, from its manifest (scripts resolved the way RHDH's
 * transformPluginManifest does), initialized with the host's share scope.
 * @param {string} baseUrl
 * @param {string} manifestLocation
 */
async function loadContainer(baseUrl, manifestLocation) {
  const manifest = await (await fetch(manifestLocation)).json();
  if (manifest.registrationMethod !== 'callback') throw new Error(`unexpected registrationMethod ${manifest.registrationMethod}`);
  const entry = new Promise(resolve => waitingEntries.set(manifest.name, resolve));
  for (const script of manifest.loadScripts) {
    const element = document.createElement('script');
    element.src = `${baseUrl}/api/scalprum/${manifest.name}/${script}`;
    const loaded = new Promise((ok, fail) => {
      element.onload = ok;
      element.onerror = () => fail(new Error(`could not load ${element.src}`));
    });
    document.head.appendChild(element);
    await loaded;
  }
  const container = /** @type {Container} */ (await entry);
  await container.init(shareScope);
  return container;
}

/** Loads every analytics API extension of the dynamic plugins config and builds the app's analytics API. */
async function load() {
  const config = new ConfigReader(test.config);
  const baseUrl = config.getString('backend.baseUrl');
  const scalprum = await (await fetch(`${baseUrl}/api/scalprum/plugins`)).json();
  const frontend = config.getOptionalConfig('dynamicPlugins.frontend');
  /** @type {Map<string, Promise<Container>>} */
  const containers = new Map();
  /** @type {AnalyticsApiClass[]} */
  const classes = [];
  for (const pluginScope of frontend?.keys() ?? []) {
    const extensions = frontend?.getOptionalConfigArray(`${pluginScope}.analyticsApiExtensions`) ?? [];
    for (const extension of extensions) {
      const module = extension.getOptionalString('module') ?? 'PluginRoot';
      const importName = extension.getOptionalString('importName') ?? 'default';
      if (!containers.has(pluginScope)) containers.set(pluginScope, loadContainer(baseUrl, scalprum[pluginScope].manifestLocation));
      const container = await /** @type {Promise<Container>} */ (containers.get(pluginScope));
      const exposed = (await container.get(module))();
      const found = /** @type {AnalyticsApiClass | undefined} */ (exposed[importName]);
      if (!found) throw new Error(`Plugin ${pluginScope} is not configured properly: ${module}.${importName} not found`);
      classes.push(found);
    }
  }
  const identityApi = guestIdentity();
  const ownRegistration = test.staticToo ? [AppsOwnSegmentAnalytics.fromConfig(config, { identityApi })] : [];
  const analytics = MultipleAnalyticsApi.fromApis([
    ...ownRegistration,
    ...classes.map(c => c.fromConfig(config, { identityApi })),
  ]);
  /** @type {any} */ (window).rhdhHost.analytics = analytics;
  const provided = Object.fromEntries(
    Object.entries(LEGACY_HOST_SHARED).map(([name, shared]) => [name, shared?.version ?? 'not provided']),
  );
  return { consumed, provided, dynamicClasses: classes.length };
}

/** @type {any} */ (window).rhdhHost = { load, run: runEvents, consumed: () => [...consumed] };
