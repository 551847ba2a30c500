// @ts-check
// A page that loads the export's module federation build the way RHDH's New
// Frontend System app does (packages/app-next: dynamicFrontendFeaturesLoader
// from @backstage/frontend-dynamic-feature-loader): a module federation runtime
// instance named after the app, sharing the host's modules (the defaults of
// @backstage/module-federation-common: React, React Router, MUI styles,
// emotion; eager singletons, requiredVersion '*'), the remote registered by its
// mf-manifest.json, `loadRemote` of each exposed module, and the module's
// default export installed as a feature when it is a FrontendModule.
//
// `mode: 'nfs'`: a New Frontend System app (this repository's
// @backstage/frontend-defaults) with the loaded feature and two pages.
// `mode: 'direct'`: no app; the exposed module's SegmentAnalytics is built
// with fromConfig(config, { identityApi }), as RHDH's legacy app would.
import * as React from 'react';
import * as ReactDom from 'react-dom';
import ReactDomClient from 'react-dom/client';
import * as ReactRouter from 'react-router';
import * as ReactRouterDom from 'react-router-dom';
import * as MaterialUiCoreStyles from '@material-ui/core/styles';
import * as MaterialUiStyles from '@material-ui/styles';
import * as MuiMaterialStyles from '@mui/material/styles';
import * as EmotionReact from '@emotion/react';
import { createInstance } from '@module-federation/enhanced/runtime';
import { ConfigReader } from '@backstage/config';
import { MultipleAnalyticsApi } from '@backstage/core-app-api';
import { createFrontendFeatureLoader } from '@backstage/frontend-plugin-api';
import { createApp } from '@backstage/frontend-defaults';
import reactPkg from 'react/package.json';
import reactDomPkg from 'react-dom/package.json';
import reactRouterPkg from 'react-router/package.json';
import reactRouterDomPkg from 'react-router-dom/package.json';
import materialUiCorePkg from '@material-ui/core/package.json';
import materialUiStylesPkg from '@material-ui/styles/package.json';
import muiMaterialPkg from '@mui/material/package.json';
import emotionReactPkg from '@emotion/react/package.json';
import { nfsPagesPlugin } from '../../../dev/nfs/pagesPlugin';
import { cjs, guestIdentity, runEvents } from './pageSupport.mjs';

/** @typedef {{ packageName: string, exposedModules: string[], remoteInfo: { name: string, entry: string } }} Remote */

const test = /** @type {{ mode: 'nfs' | 'direct', config: any, remote: Remote }} */ (/** @type {any} */ (window).__RHDH_TEST__);

const shareConfig = { singleton: true, requiredVersion: '*', eager: true };
/** The host's shared modules (module-federation-common's defaultHostSharedDependencies). */
const HOST_SHARED = {
  react: { version: reactPkg.version, lib: () => cjs(React), shareConfig },
  'react-dom': { version: reactDomPkg.version, lib: () => cjs(ReactDom), shareConfig },
  'react-router': { version: reactRouterPkg.version, lib: () => ReactRouter, shareConfig },
  'react-router-dom': { version: reactRouterDomPkg.version, lib: () => ReactRouterDom, shareConfig },
  '@material-ui/core/styles': { version: materialUiCorePkg.version, lib: () => MaterialUiCoreStyles, shareConfig },
  '@material-ui/styles': { version: materialUiStylesPkg.version, lib: () => MaterialUiStyles, shareConfig },
  '@mui/material/styles': { version: muiMaterialPkg.version, lib: () => MuiMaterialStyles, shareConfig },
  '@emotion/react': { version: emotionReactPkg.version, lib: () => EmotionReact, shareConfig },
};

/** Loads every exposed module of the remote, as the feature loader does; resolves with them. */
async function loadRemoteModules() {
  const instance = createInstance({ name: 'app', shared: HOST_SHARED, remotes: [] });
  const { remote } = test;
  instance.initOptions({ name: instance.name, remotes: [{ alias: remote.packageName, ...remote.remoteInfo }] });
  return Promise.all(
    remote.exposedModules.map(async exposed => {
      const name = exposed === '.' ? remote.remoteInfo.name : `${remote.remoteInfo.name}/${exposed}`;
      const loaded = /** @type {Record<string, any> | null} */ (await instance.loadRemote(name));
      if (!loaded) throw new Error(`empty remote module ${name}`);
      return loaded;
    }),
  );
}

/** The feature loader of the NFS app: each exposed module's default export, when it is a frontend feature. */
const dynamicFeatures = createFrontendFeatureLoader({
  async loader() {
    const modules = await loadRemoteModules();
    const features = modules.map(m => m.default).filter(d => d?.$$type === '@backstage/FrontendModule' || d?.$$type === '@backstage/FrontendPlugin');
    /** @type {any} */ (window).rhdhHost.features = features.map(f => f.$$type);
    return features;
  },
});

async function direct() {
  const [exposed] = await loadRemoteModules();
  const config = new ConfigReader(test.config);
  /** @type {any} */ (window).rhdhHost.analytics = MultipleAnalyticsApi.fromApis([
    exposed.SegmentAnalytics.fromConfig(config, { identityApi: guestIdentity() }),
  ]);
  return { exports: Object.keys(exposed).sort() };
}

/** @type {any} */ (window).rhdhHost = { direct, run: runEvents };
if (test.mode === 'nfs') {
  const app = createApp({ features: [nfsPagesPlugin, dynamicFeatures] });
  const root = /** @type {HTMLElement} */ (document.getElementById('root'));
  ReactDomClient.createRoot(root).render(app.createRoot());
}
