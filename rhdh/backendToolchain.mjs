// @ts-check
// What the RHDH CLI (1.9.1) needs to export a backend plugin, provided for
// an npm repository, inside the export's temporary copy only:
//
// - `yarn` on PATH: the CLI runs `yarn --version`, then `yarn install` in
//   dist-dynamic/ to put the derived package's private dependencies in its
//   node_modules/ (bundled into the tarball). Here that is yarn 1.22.22 through
//   corepack (ships with Node), downloaded from the npm registry npm uses.
// - a yarn.lock beside package.json: the CLI copies it into dist-dynamic/,
//   installs from it and rejects any shared package (@backstage/*) in it.
//   Written from package-lock.json (./yarnLock.mjs): npm's locked versions.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { yarnLockFromNpm } from './yarnLock.mjs';

const run = promisify(execFile);

/** The yarn the CLI runs (classic: `yarn install --production`, node_modules/ as npm lays it out). */
export const YARN_VERSION = '1.22.22';

/** Packages the CLI moves to peerDependencies (RHDH shares them): never in the derived package's own lockfile. */
const SHARED = /^@backstage\//;

/** corepack from PATH, or the one next to this Node. */
function findCorepack() {
  const dirs = [...(process.env.PATH ?? '').split(':'), dirname(process.execPath)];
  const dir = dirs.find(d => d && existsSync(join(d, 'corepack')));
  if (!dir) throw new Error('exporting a backend plugin needs corepack (it ships with Node 20 and 22) to run yarn; none on PATH');
  return join(dir, 'corepack');
}

/**
 * Puts a `yarn` (yarn {@link YARN_VERSION} through corepack) first on PATH in
 * `binDir` and checks that it runs; resolves with the environment for the CLI.
 * corepack checks npm registry signatures of the yarn it downloads; a registry
 * mirror without them makes it fail, and then the check is turned off
 * (COREPACK_INTEGRITY_KEYS=0), with a line saying so.
 * @param {string} binDir a folder inside the temporary copy
 * @param {(line: string) => void} say
 * @returns {Promise<NodeJS.ProcessEnv>}
 */
export async function yarnEnvironment(binDir, say) {
  const corepack = findCorepack();
  const registry = process.env.npm_config_registry || 'https://registry.npmjs.org/';
  mkdirSync(binDir, { recursive: true });
  const shim = join(binDir, 'yarn');
  writeFileSync(shim, `#!/bin/sh\nexec '${corepack}' yarn@${YARN_VERSION} "$@"\n`);
  chmodSync(shim, 0o755);
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    PATH: `${binDir}:${process.env.PATH ?? ''}`,
    COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
    COREPACK_ENABLE_STRICT: '0',
    COREPACK_NPM_REGISTRY: process.env.COREPACK_NPM_REGISTRY || registry.replace(/\/$/, ''),
    YARN_REGISTRY: process.env.YARN_REGISTRY || registry,
  };
  const probe = () => run(shim, ['--version'], { env, cwd: binDir, timeout: 120_000 });
  try {
    await probe();
  } catch (error) {
    const text = String(/** @type {any} */ (error)?.stderr ?? error);
    if (!/signature/i.test(text) || process.env.COREPACK_INTEGRITY_KEYS !== undefined) {
      throw new Error(`yarn ${YARN_VERSION} through corepack failed: ${text.trim().split('\n').slice(-3).join(' ')}`);
    }
    say(`${env.COREPACK_NPM_REGISTRY} publishes no npm signature for yarn ${YARN_VERSION}: corepack's signature check is off for this export (COREPACK_INTEGRITY_KEYS=0)`);
    env.COREPACK_INTEGRITY_KEYS = '0';
    await probe();
  }
  return env;
}

/**
 * Writes `<workDir>/yarn.lock` for the derived package's private dependencies
 * (the package's `dependencies` minus the shared @backstage/* ones) from
 * `<packageDir>/package-lock.json`, unless the copy already has a yarn.lock.
 * @param {string} packageDir
 * @param {string} workDir
 * @param {{ dependencies?: Record<string, string> }} pkg
 * @returns {string} what was done, in words
 */
export function writeDerivedYarnLock(packageDir, workDir, pkg) {
  if (existsSync(join(workDir, 'yarn.lock'))) return 'the package\'s own yarn.lock';
  const lockFile = join(packageDir, 'package-lock.json');
  if (!existsSync(lockFile)) throw new Error(`${lockFile} is missing: exporting a backend plugin needs a yarn.lock or a package-lock.json`);
  const own = Object.fromEntries(Object.entries(pkg.dependencies ?? {}).filter(([name]) => !SHARED.test(name)));
  const registry = process.env.npm_config_registry || 'https://registry.npmjs.org/';
  const { text, packages } = yarnLockFromNpm(JSON.parse(readFileSync(lockFile, 'utf8')), own, registry);
  writeFileSync(join(workDir, 'yarn.lock'), text);
  return `yarn.lock of ${packages} packages written from package-lock.json`;
}
