// @ts-check
// Runs `npm run export-dynamic` once for a test file, with the package's own
// build fingerprinted before and after, and unpacks the tarball the way
// RHDH's install-dynamic-plugins does (its `package/` folder).
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fingerprintPackage } from '../../rhdh/fingerprint.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/**
 * @typedef {object} Exported
 * @property {import('../../rhdh/fingerprint.mjs').PackageFingerprint} before the package's build before the export
 * @property {import('../../rhdh/fingerprint.mjs').PackageFingerprint} after and after it
 * @property {boolean} builtFirst whether the test built dist/ first (there was none)
 * @property {{ tarball: string, integrity: string, derivedPackage: string, seconds: number }} summary what the export printed
 * @property {string} packageDir the unpacked tarball's package/ folder
 * @property {() => void} remove deletes the unpacked copy
 */

/**
 * Builds dist/ if there is none (so that there is a build to keep), then
 * exports with `--json` and unpacks the tarball into a temporary folder.
 * @param {number} timeoutS hard limit given to the export script
 * @param {object} [options]
 * @param {string} [options.packageDir] the package to export (default: the frontend module, the repository root)
 * @param {string} [options.unpackUnder] where the temporary folder goes (default: the OS's); a backend plugin is
 *   unpacked inside the backend package, whose node_modules then play RHDH's (the shared @backstage/* packages)
 * @returns {Promise<Exported>}
 */
export async function exportOnce(timeoutS, { packageDir = ROOT, unpackUnder = tmpdir() } = {}) {
  let before = await fingerprintPackage(packageDir);
  const builtFirst = before.dist === 'absent';
  if (builtFirst) {
    await run('npm', ['run', 'build'], { cwd: packageDir, maxBuffer: 64 * 1024 * 1024 });
    before = await fingerprintPackage(packageDir);
  }
  const stdout = await new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['rhdh/export-dynamic.mjs', packageDir, '--json', '--timeout-s', String(timeoutS)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', chunk => (out += chunk));
    child.on('error', reject);
    child.on('exit', code => (code === 0 ? resolveRun(out) : reject(new Error(`export-dynamic exited with ${code}`))));
  });
  const summary = JSON.parse(stdout);
  const after = await fingerprintPackage(packageDir);
  mkdirSync(unpackUnder, { recursive: true });
  const unpacked = mkdtempSync(join(unpackUnder, 'segment-rhdh-plugin-'));
  await run('tar', ['xzf', summary.tarball, '-C', unpacked]);
  return {
    before,
    after,
    builtFirst,
    summary,
    packageDir: join(unpacked, 'package'),
    remove: () => rmSync(unpacked, { recursive: true, force: true }),
  };
}
