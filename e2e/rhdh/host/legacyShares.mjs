// @ts-check
// The webpack share scope of RHDH's legacy app, as its plugins see it.
//
// RHDH builds packages/app with `janus-cli package build`, whose
// ModuleFederationPlugin ("backstageHost") shares exactly the modules listed
// below (the `sharedModules` of @janus-idp/cli 3.6.1's bundler, the same list
// as @red-hat-developer-hub/cli 1.9.1's, all singletons, requiredVersion '*').
// The host app itself uses them, so each entry is already loaded when a plugin
// container initializes: a singleton then resolves to the host's version.
//
// Versions: those of the packages bundled here (their package.json). The
// host build aliases the ones RHDH pins older than this package
// (frontend-plugin-api, core-plugin-api) to RHDH's versions, see
// e2e/rhdh/buildHosts.mjs. Modules not installed in this repository are
// listed as not provided; the test fails if the plugin consumes one.
import * as React from 'react';
import * as ReactDom from 'react-dom';
import * as ReactRouter from 'react-router';
import * as ReactRouterDom from 'react-router-dom';
import * as VersionBridge from '@backstage/version-bridge';
import * as CoreAppApi from '@backstage/core-app-api';
import * as CorePluginApi from '@backstage/core-plugin-api';
import * as FrontendPluginApi from '@backstage/frontend-plugin-api';
import reactPkg from 'react/package.json';
import reactDomPkg from 'react-dom/package.json';
import reactRouterPkg from 'react-router/package.json';
import reactRouterDomPkg from 'react-router-dom/package.json';
import versionBridgePkg from '@backstage/version-bridge/package.json';
import coreAppApiPkg from '@backstage/core-app-api/package.json';
import corePluginApiPkg from '@backstage/core-plugin-api/package.json';
import frontendPluginApiPkg from '@backstage/frontend-plugin-api/package.json';
import materialUiCorePkg from '@material-ui/core/package.json';
import materialUiStylesPkg from '@material-ui/styles/package.json';
import muiMaterialPkg from '@mui/material/package.json';
import muiSystemPkg from '@mui/system/package.json';
import muiPrivateThemingPkg from '@mui/private-theming/package.json';
import muiStyledEnginePkg from '@mui/styled-engine/package.json';
import emotionCachePkg from '@emotion/cache/package.json';
import emotionReactPkg from '@emotion/react/package.json';
import { cjs } from './pageSupport.mjs';

/**
 * @typedef {object} WebpackShareEntry
 * @property {() => Promise<() => unknown>} get
 * @property {string} from
 * @property {boolean} eager
 * @property {number} [loaded]
 */

/** @typedef {Record<string, Record<string, WebpackShareEntry>>} WebpackShareScope */


/**
 * Every module RHDH's legacy app shares, with the version provided here and
 * how to load it; `undefined`: not installed here, not provided.
 * @type {Record<string, { version: string, load: () => Promise<unknown> } | undefined>}
 */
export const LEGACY_HOST_SHARED = {
  react: { version: reactPkg.version, load: async () => cjs(React) },
  'react-dom': { version: reactDomPkg.version, load: async () => cjs(ReactDom) },
  'react-router-dom': { version: reactRouterDomPkg.version, load: async () => ReactRouterDom },
  'react-router': { version: reactRouterPkg.version, load: async () => ReactRouter },
  '@backstage/version-bridge': { version: versionBridgePkg.version, load: async () => VersionBridge },
  '@backstage/core-app-api': { version: coreAppApiPkg.version, load: async () => CoreAppApi },
  '@backstage/core-plugin-api': { version: corePluginApiPkg.version, load: async () => CorePluginApi },
  '@backstage/frontend-plugin-api': { version: frontendPluginApiPkg.version, load: async () => FrontendPluginApi },
  '@scalprum/react-core': undefined,
  '@openshift/dynamic-plugin-sdk': undefined,
  '@material-ui/core/styles': { version: materialUiCorePkg.version, load: () => import('@material-ui/core/styles') },
  '@material-ui/styles': { version: materialUiStylesPkg.version, load: () => import('@material-ui/styles') },
  '@mui/material': { version: muiMaterialPkg.version, load: () => import('@mui/material') },
  '@mui/system': { version: muiSystemPkg.version, load: () => import('@mui/system') },
  '@mui/private-theming': { version: muiPrivateThemingPkg.version, load: () => import('@mui/private-theming') },
  '@mui/styled-engine': { version: muiStyledEnginePkg.version, load: () => import('@mui/styled-engine') },
  '@emotion/cache': { version: emotionCachePkg.version, load: () => import('@emotion/cache') },
  '@emotion/react': { version: emotionReactPkg.version, load: () => import('@emotion/react') },
};

/**
 * The host's share scope: one loaded entry per provided module. Every module
 * a plugin takes from it is recorded in `consumed` as `name@version`.
 */
export function legacyHostShareScope() {
  /** @type {WebpackShareScope} */
  const scope = {};
  /** @type {string[]} */
  const consumed = [];
  for (const [name, shared] of Object.entries(LEGACY_HOST_SHARED)) {
    if (!shared) continue;
    const { version, load } = shared;
    scope[name] = {
      [version]: {
        from: 'backstageHost',
        eager: false,
        loaded: 1,
        get: async () => {
          consumed.push(`${name}@${version}`);
          const mod = await load();
          return () => mod;
        },
      },
    };
  }
  return { scope, consumed };
}
