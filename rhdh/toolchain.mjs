// @ts-check
// The pinned @red-hat-developer-hub/cli lives in rhdh/toolchain/, a private
// package with its own lockfile, and not in the package's devDependencies: it
// brings its own @backstage/cli and hundreds of packages the tests never use,
// which made every `npm ci` of this repository markedly longer (timings in
// docs/contributing.md). `npm run export-dynamic` installs it on first use,
// and again whenever rhdh/toolchain/package-lock.json changes.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** The toolchain's folder (package.json, package-lock.json, node_modules/). */
export const TOOLCHAIN_DIR = resolve(import.meta.dirname, 'toolchain');

/** Written into node_modules/ after a complete install: the lockfile's digest it was installed from. */
const STAMP = join(TOOLCHAIN_DIR, 'node_modules', '.installed-from-lock');

/** sha256 of the toolchain's lockfile. */
function lockDigest() {
  return createHash('sha256')
    .update(readFileSync(join(TOOLCHAIN_DIR, 'package-lock.json')))
    .digest('hex');
}

/**
 * Whether node_modules/ holds a complete install of the current lockfile
 * (an interrupted `npm ci` leaves no stamp, so it is installed again).
 * @returns {boolean}
 */
export function toolchainInstalled() {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8') === lockDigest();
}

/** Records that `npm ci` in the toolchain's folder completed. */
export function markToolchainInstalled() {
  writeFileSync(STAMP, lockDigest());
}

/**
 * The RHDH CLI's entry script (`rhdh-cli`), to run with node.
 * @returns {string}
 */
export function rhdhCliScript() {
  const require = createRequire(join(TOOLCHAIN_DIR, 'package.json'));
  return join(dirname(require.resolve('@red-hat-developer-hub/cli/package.json')), 'bin', 'rhdh-cli');
}
