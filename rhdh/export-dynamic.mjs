#!/usr/bin/env node
// @ts-check
// `npm run export-dynamic [-- <package folder>] [--json] [--out <folder>] [--timeout-s <n>]`
// (`npm run export-dynamic` exports the frontend module, `npm run export-dynamic -- backend`
// the backend plugin in backend/)
//
// Exports one package of this repository as a Red Hat Developer Hub dynamic
// plugin with the pinned @red-hat-developer-hub/cli (rhdh/toolchain/, installed
// on first use by ./toolchain.mjs), then packs the derived
// package into a tarball and prints its sha512 integrity (the form
// dynamic-plugins.yaml wants). README "Red Hat Developer Hub" tells the rest.
// A backend plugin is built with its own `npm run build` in the copy; the CLI
// then needs yarn and a yarn.lock, provided in the copy by ./backendToolchain.mjs.
//
// The CLI runs in a temporary copy of the package (<package>/.export-dynamic-work),
// never in the package itself: its default run writes a module federation build
// into the package's own dist/. The package's dist/ and what `npm pack` ships are
// fingerprinted before and after; any difference fails the export.
//
// Output, all gitignored:
//   <package>/dist-dynamic/       the derived package (frontend: dist-scalprum/, the Scalprum
//                                 build for RHDH's app, and dist/, the module federation build;
//                                 backend: dist/ and node_modules/, its private dependencies)
//   <package>/dist-dynamic-pack/  <name>-dynamic-<version>.tgz
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fingerprintChanges, fingerprintPackage } from './fingerprint.mjs';
import { copySources } from './copySources.mjs';
import { relaxConfigSchemaFile } from '../scripts/relaxConfigSchema.mjs';
import { writeDerivedYarnLock, yarnEnvironment } from './backendToolchain.mjs';
import { TOOLCHAIN_DIR, markToolchainInstalled, rhdhCliScript, toolchainInstalled } from './toolchain.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const WORK = '.export-dynamic-work';

/** Package roles the RHDH CLI exports, and how. */
const KINDS = /** @type {const} */ ({
  'frontend-plugin': 'frontend',
  'frontend-plugin-module': 'frontend',
  'backend-plugin': 'backend',
  'backend-plugin-module': 'backend',
});

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    'timeout-s': { type: 'string', default: '900' },
  },
});
const packageDir = resolve(positionals[0] ?? ROOT);
const outDir = resolve(values.out ?? join(packageDir, 'dist-dynamic-pack'));
const deadline = Date.now() + Number(values['timeout-s']) * 1000;
/** Progress goes to stderr when stdout carries the JSON summary. */
const say = values.json ? (/** @type {string} */ line) => console.error(line) : (/** @type {string} */ line) => console.log(line);

/** @type {import('node:child_process').ChildProcess | undefined} */
let running;
const workDir = join(packageDir, WORK);

/** Stops the running child (its whole process group) and removes the temporary copy. */
function cleanUp() {
  if (running?.pid && running.exitCode === null) {
    try {
      process.kill(-running.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(workDir, { recursive: true, force: true });
}
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

/**
 * Runs a command in its own process group, killed when the export's time is up;
 * resolves with its standard output when `capture` is set (else it is shown).
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 * @param {{ capture?: boolean, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<string>}
 */
function step(command, args, cwd, { capture = false, env = process.env } = {}) {
  return new Promise((resolveStep, reject) => {
    const left = deadline - Date.now();
    if (left <= 0) {
      reject(new Error(`time-out before: ${command} ${args.join(' ')}`));
      return;
    }
    // Captured, or (with --json, whose stdout is the JSON) to stderr, or to stdout.
    let stdout = /** @type {'pipe' | 1 | 2} */ (values.json ? 2 : 1);
    if (capture) stdout = 'pipe';
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', stdout, 2] });
    let out = '';
    child.stdout?.on('data', chunk => (out += chunk));
    running = child;
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      reject(new Error(`time-out (--timeout-s ${values['timeout-s']}): ${command} ${args.join(' ')} killed`));
    }, left);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolveStep(out);
      else reject(new Error(`${basename(command)} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/**
 * The config schemas RHDH reads from the derived package (the Scalprum
 * build's, and the module federation build's in newer hosts): RHDH's app
 * backend adds them to the app's schema and refuses to serve the app when a
 * value has the wrong type where the schema declares an object or a list.
 * Made advisory as the npm package's is (`npm run prepack`): the module
 * checks every value in the browser and reports what is wrong.
 */
function relaxDerivedSchemas(/** @type {string} */ derived) {
  const files = [join(derived, 'dist-scalprum', 'configSchema.json'), join(derived, 'dist', '.config-schema.json')].filter(f => existsSync(f));
  if (!files.length) throw new Error(`${derived}: the RHDH CLI wrote no config schema (dist-scalprum/configSchema.json, dist/.config-schema.json)`);
  for (const file of files) say(`--- ${relaxConfigSchemaFile(file).replace(derived, relative(ROOT, derived))}`);
}

/** sha512 integrity of a file, as npm and dynamic-plugins.yaml write it. */
function integrityOf(/** @type {string} */ file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

async function main() {
  const started = Date.now();
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const role = pkg.backstage?.role;
  const kind = KINDS[/** @type {keyof typeof KINDS} */ (role)];
  if (!kind) throw new Error(`${packageDir}: backstage.role is ${role ?? 'missing'}; the RHDH CLI exports ${Object.keys(KINDS).join(', ')}`);

  if (!toolchainInstalled()) {
    say(`--- npm ci in ${relative(ROOT, TOOLCHAIN_DIR)} (the pinned RHDH CLI; first export, or its lockfile changed)`);
    await step('npm', ['ci', '--no-audit', '--no-fund'], TOOLCHAIN_DIR);
    markToolchainInstalled();
  }

  say(`--- fingerprint of ${relative(ROOT, packageDir) || '.'} (dist/ and npm pack contents)`);
  const before = await fingerprintPackage(packageDir);

  rmSync(workDir, { recursive: true, force: true });
  copySources(packageDir, workDir, pkg);
  const cli = rhdhCliScript();
  let env = process.env;
  if (kind === 'backend') {
    // The CLI would run `yarn build`; build with the package's own script instead.
    say('--- build (in the copy)');
    await step('npm', ['run', 'build'], workDir);
    say(`--- yarn for the CLI (in the copy): ${writeDerivedYarnLock(packageDir, workDir, pkg)}`);
    env = await yarnEnvironment(join(workDir, '.bin'), say);
  }
  say(`--- rhdh-cli plugin export (${kind}, in ${relative(ROOT, workDir)})`);
  await step(process.execPath, [cli, 'plugin', 'export', '--clean', ...(kind === 'backend' ? ['--no-build'] : [])], workDir, { env });

  const derived = join(packageDir, 'dist-dynamic');
  rmSync(derived, { recursive: true, force: true });
  cpSync(join(workDir, 'dist-dynamic'), derived, { recursive: true });
  rmSync(workDir, { recursive: true, force: true });
  if (kind === 'frontend') relaxDerivedSchemas(derived);

  say('--- npm pack (dist-dynamic)');
  mkdirSync(outDir, { recursive: true });
  const [packed] = JSON.parse(await step('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', outDir], derived, { capture: true }));
  const tarball = join(outDir, packed.filename);
  const integrity = integrityOf(tarball);
  if (integrity !== packed.integrity) throw new Error(`${tarball}: sha512 ${integrity}, but npm pack said ${packed.integrity}`);
  writeFileSync(`${tarball}.integrity`, `${integrity}\n`);

  const after = await fingerprintPackage(packageDir);
  const changes = fingerprintChanges(before, after);
  if (changes.length) throw new Error(`the export changed the package's own build: ${changes.join('; ')}`);

  const summary = {
    package: pkg.name,
    version: pkg.version,
    kind,
    derivedPackage: packed.name,
    derivedDir: derived,
    tarball,
    integrity,
    bytes: readFileSync(tarball).length,
    seconds: Math.round((Date.now() - started) / 1000),
    unchanged: after,
  };
  if (values.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  say(`
Exported ${pkg.name} ${pkg.version} as an RHDH dynamic plugin (${kind}) in ${summary.seconds} s
  derived package  ${relative(process.cwd(), derived)}/
  tarball          ${relative(process.cwd(), tarball)} (${(summary.bytes / 1024).toFixed(0)} KB)
  integrity        ${integrity}
The package's own build is unchanged: dist/ ${after.dist}, npm pack ${after.pack}

In dynamic-plugins.yaml (host the tarball where RHDH can download it):
  - package: https://<your server>/${basename(tarball)}
    integrity: ${integrity}`);
}

main().catch(error => {
  cleanUp();
  console.error(`export-dynamic: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
