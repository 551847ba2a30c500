// @ts-check
// rhdh/yarnLock.mjs: the yarn.lock the RHDH CLI installs a backend plugin's
// private dependencies from, written from an npm package-lock.json. That yarn
// accepts it is shown by backend.test.mjs; here, which packages and versions
// it holds for the layouts npm writes (hoisted, nested, optional).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { yarnLockFromNpm } from '../../rhdh/yarnLock.mjs';

const REGISTRY = 'https://registry.example.test/';
const sri = (/** @type {string} */ name) => `sha512-${Buffer.from(name).toString('base64')}`;

const LOCK = {
  lockfileVersion: 3,
  packages: {
    '': { dependencies: { web: '^1.0.0', '@backstage/config': '^1.0.0', tool: '^2.0.0' } },
    'node_modules/web': { version: '1.2.0', integrity: sri('web'), dependencies: { debug: '2.6.9', ms: '^2.1.0' }, optionalDependencies: { native: '^1.0.0' } },
    'node_modules/web/node_modules/debug': { version: '2.6.9', integrity: sri('debug2'), dependencies: { ms: '2.0.0' } },
    'node_modules/web/node_modules/debug/node_modules/ms': { version: '2.0.0', integrity: sri('ms2.0') },
    'node_modules/ms': { version: '2.1.3', integrity: sri('ms2.1') },
    'node_modules/debug': { version: '4.4.0', integrity: sri('debug4'), dependencies: { ms: '^2.1.3' } },
    'node_modules/@scope/util': { version: '3.0.0', integrity: sri('util'), resolved: 'https://mirror.test/util-3.0.0.tgz' },
    'node_modules/tool': { version: '2.0.0', integrity: sri('tool'), dependencies: { '@scope/util': '^3.0.0', ms: '^2.1.3' } },
    'node_modules/@backstage/config': { version: '1.3.11', integrity: sri('config') },
  },
};

test('holds the tree of the given dependencies only, each at the copy Node would load', () => {
  const { text, packages } = yarnLockFromNpm(LOCK, { web: '^1.0.0', tool: '^2.0.0' }, REGISTRY);
  assert.equal(packages, 6);
  assert.match(text, /^# yarn lockfile v1$/m);
  // The nested debug 2 (not the hoisted 4, which nothing here needs) and its own nested ms.
  assert.match(text, /^"debug@2\.6\.9":\n {2}version "2\.6\.9"\n {2}resolved "https:\/\/registry\.example\.test\/debug\/-\/debug-2\.6\.9\.tgz"\n/m);
  assert.match(text, /^"ms@2\.0\.0":\n {2}version "2\.0\.0"/m);
  assert.doesNotMatch(text, /version "4\.4\.0"/);
  // Two ranges resolved to the hoisted ms 2.1.3: one entry with both.
  assert.match(text, /^"ms@\^2\.1\.0", "ms@\^2\.1\.3":\n {2}version "2\.1\.3"/m);
  // A recorded `resolved` is kept; a scoped name gets the registry's scoped tarball path otherwise.
  assert.match(text, /^"@scope\/util@\^3\.0\.0":\n {2}version "3\.0\.0"\n {2}resolved "https:\/\/mirror\.test\/util-3\.0\.0\.tgz"\n {2}integrity sha512-/m);
  // The optional dependency npm did not install is left out; dependencies are listed under the entry.
  assert.match(text, /^ {2}optionalDependencies:\n {4}"native" "\^1\.0\.0"$/m);
  assert.doesNotMatch(text, /^"native@/m);
  assert.doesNotMatch(text, /@backstage/);
});

test('a dependency npm did not lock is an error that says so', () => {
  assert.throws(() => yarnLockFromNpm(LOCK, { missing: '^1.0.0' }, REGISTRY), /package-lock\.json has no missing \(\^1\.0\.0\)/);
  assert.throws(() => yarnLockFromNpm({ lockfileVersion: 1 }, {}, REGISTRY), /lockfileVersion 2 or 3/);
});
