// @ts-check
// What a package ships, as two digests: its own build (dist/) and what
// `npm pack` would put in its tarball. An RHDH export must leave both as they were.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * @typedef {object} PackageFingerprint
 * @property {string} dist sha256 over dist/ (every path, file content and link target), or `absent`
 * @property {string} pack the sha512 integrity of the tarball `npm pack` would make (scripts not run)
 * @property {number} packFiles how many files that tarball would hold
 */

/**
 * sha256 over a folder tree: each entry's relative path with its content's
 * digest (or its link target), in sorted order; `absent` when there is no folder.
 * @param {string} root
 */
export function hashTree(root) {
  if (!existsSync(root)) return 'absent';
  const hash = createHash('sha256');
  /** @param {string} dir */
  const walk = dir => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path);
      const stat = lstatSync(path);
      if (stat.isDirectory()) {
        hash.update(`d ${rel}\n`);
        walk(path);
      } else if (stat.isSymbolicLink()) {
        hash.update(`l ${rel} ${readlinkSync(path)}\n`);
      } else {
        hash.update(`f ${rel} ${createHash('sha256').update(readFileSync(path)).digest('hex')}\n`);
      }
    }
  };
  walk(root);
  return hash.digest('hex');
}

/**
 * The package's own build and npm pack contents, for a before/after comparison.
 * `npm pack --dry-run --ignore-scripts` computes the tarball without writing it
 * and without running prepack (which would build).
 * @param {string} packageDir
 * @returns {Promise<PackageFingerprint>}
 */
export async function fingerprintPackage(packageDir) {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: packageDir,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  const [packed] = JSON.parse(stdout);
  return { dist: hashTree(join(packageDir, 'dist')), pack: packed.integrity, packFiles: packed.files.length };
}

/**
 * The differences between two fingerprints, in words; empty when they match.
 * @param {PackageFingerprint} before
 * @param {PackageFingerprint} after
 */
export function fingerprintChanges(before, after) {
  const changes = [];
  if (before.dist !== after.dist) changes.push(`dist/ changed (sha256 ${before.dist} -> ${after.dist})`);
  if (before.pack !== after.pack || before.packFiles !== after.packFiles) {
    changes.push(`npm pack contents changed (${before.packFiles} files ${before.pack} -> ${after.packFiles} files ${after.pack})`);
  }
  return changes;
}
