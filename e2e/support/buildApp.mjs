// @ts-check
// Bundles a browser app (the dev harness, or the New Frontend System app) with
// esbuild into .e2e-artifacts/apps/, and reuses that bundle for as long as
// none of the files it was made from has changed: one build serves every test
// file and every run, until a source (or a dependency) changes.
//
//   node e2e/support/buildApp.mjs [entry...]   builds (or checks) the apps ahead of the tests
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '../..');
const CACHE = join(ROOT, '.e2e-artifacts', 'apps');

/** The apps the end-to-end tests use. */
export const APP_ENTRIES = ['dev/index.tsx', 'dev/nfs/index.tsx'];

/**
 * Files whose change may change a bundle without changing any file in it
 * (dependency versions, module resolution, compiler settings).
 */
const ALSO_KEYED_ON = ['package-lock.json', 'tsconfig.json'];

/** In this process: entry and aliases -> the folder of its bundle. @type {Map<string, Promise<string>>} */
const built = new Map();

/** A bundle replaced by a newer one is removed once it is this old (see `build`). */
const STALE_BUNDLE_MS = 60 * 60 * 1000;

/**
 * esbuild gives a dynamically imported CommonJS module only a default export;
 * Backstage's dev app looks for `createRoot` on `import('react-dom/client')`.
 * This serves that import as ESM with named exports.
 * @type {esbuild.Plugin}
 */
const reactDomClientNamedExports = {
  name: 'react-dom-client-named-exports',
  setup(b) {
    b.onResolve({ filter: /^react-dom\/client$/ }, args =>
      args.namespace === 'shim' ? undefined : { path: 'react-dom/client', namespace: 'shim' },
    );
    b.onLoad({ filter: /.*/, namespace: 'shim' }, () => ({
      contents:
        "import client from 'react-dom/client';\n" +
        'export const createRoot = client.createRoot;\n' +
        'export const hydrateRoot = client.hydrateRoot;\n' +
        'export default client;\n',
      resolveDir: ROOT,
    }));
  },
};

/**
 * The esbuild options for `entry` writing to `outdir`. Config is not baked
 * in: the server injects it into index.html. `alias` maps package names to
 * others (esbuild's alias), e.g. to bundle an older version of a package
 * installed under an npm alias.
 * @param {string} entry
 * @param {string} outdir
 * @param {Record<string, string>} alias
 * @returns {esbuild.BuildOptions & { metafile: true }}
 */
function optionsFor(entry, outdir, alias) {
  return {
    absWorkingDir: ROOT,
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    minify: true,
    sourcemap: false,
    define: {
      'process.env': JSON.stringify({ NODE_ENV: 'production', APP_CONFIG: [], HAS_REACT_DOM_CLIENT: true }),
      global: 'globalThis',
    },
    banner: { js: 'var process = globalThis.process || { env: { NODE_ENV: "production" } };' },
    loader: { '.svg': 'file', '.png': 'file', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file' },
    alias,
    plugins: [reactDomClientNamedExports],
    metafile: true,
    logLevel: 'error',
  };
}

/**
 * Resolves with the folder holding the bundle of `entry` (relative to the
 * package root): the cached one when every file it was built from is
 * unchanged, else a new build. Once per process, entry and aliases.
 * @param {string} entry
 * @param {{ alias?: Record<string, string> }} [options]
 * @returns {Promise<string>}
 */
export function buildApp(entry, { alias = {} } = {}) {
  const id = `${entry} ${JSON.stringify(alias)}`;
  let dir = built.get(id);
  if (!dir) {
    dir = cachedOrBuilt(entry, alias);
    built.set(id, dir);
    dir.catch(() => built.delete(id));
  }
  return dir;
}

/**
 * What a cached bundle was made from.
 * @typedef {object} Manifest
 * @property {string} key hash of the build options and of the content of every input
 * @property {string} dir folder name of the bundle, under .e2e-artifacts/apps
 * @property {string[]} inputs files the bundle was made from, relative to the package root
 */

/**
 * @param {string} entry
 * @param {Record<string, string>} alias
 */
async function cachedOrBuilt(entry, alias) {
  const aliased = Object.keys(alias).length ? `_${createHash('sha256').update(JSON.stringify(alias)).digest('hex').slice(0, 8)}` : '';
  const slug = entry.replace(/[^A-Za-z0-9]+/g, '_') + aliased;
  const manifestPath = join(CACHE, `${slug}.json`);
  /** @type {Manifest | undefined} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    manifest = undefined;
  }
  if (manifest && existsSync(join(CACHE, manifest.dir, 'index.js'))) {
    let key;
    try {
      key = keyOf(entry, alias, manifest.inputs);
    } catch {
      key = undefined; // an input is gone: build again
    }
    if (key === manifest.key) {
      // In use from now: not removed as stale while this process may serve it (see `build`).
      const now = new Date();
      utimesSync(join(CACHE, manifest.dir), now, now);
      return join(CACHE, manifest.dir);
    }
  }
  return build(entry, alias, slug, manifestPath);
}

/**
 * Builds `entry` into a new folder, then publishes it: renames the folder
 * into place and writes the manifest, so that concurrent test processes only
 * ever see complete bundles.
 * @param {string} entry
 * @param {Record<string, string>} alias
 * @param {string} slug
 * @param {string} manifestPath
 */
async function build(entry, alias, slug, manifestPath) {
  mkdirSync(CACHE, { recursive: true });
  const tmp = join(CACHE, `${slug}.building-${process.pid}-${Date.now()}`);
  try {
    const { metafile } = await esbuild.build(optionsFor(entry, tmp, alias));
    // Not the virtual inputs: `<define:...>`, `(disabled):...`, plugin namespaces.
    const inputs = Object.keys(metafile.inputs).filter(input => existsSync(join(ROOT, input)));
    const key = keyOf(entry, alias, inputs);
    const dir = `${slug}-${key.slice(0, 16)}`;
    if (existsSync(join(CACHE, dir))) rmSync(tmp, { recursive: true, force: true });
    else renameSync(tmp, join(CACHE, dir));
    const manifestTmp = `${manifestPath}.${process.pid}`;
    writeFileSync(manifestTmp, JSON.stringify(/** @type {Manifest} */ ({ key, dir, inputs })));
    renameSync(manifestTmp, manifestPath);
    // Older bundles go once they are an hour old: another test process may still be serving one (a source
    // file edited while `npm test` runs makes the next process build anew), and a page of that process would
    // get a 404 for its scripts and stay blank.
    for (const old of readdirSync(CACHE)) {
      if (!old.startsWith(`${slug}-`) || old === dir) continue;
      if (Date.now() - statSync(join(CACHE, old)).mtimeMs > STALE_BUNDLE_MS) rmSync(join(CACHE, old), { recursive: true, force: true });
    }
    return join(CACHE, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Hash of the build options, the esbuild version and the content of every
 * input (and of ALSO_KEYED_ON). Rejects when an input no longer exists.
 * @param {string} entry
 * @param {Record<string, string>} alias
 * @param {string[]} inputs
 */
function keyOf(entry, alias, inputs) {
  const hash = createHash('sha256');
  const options = { ...optionsFor(entry, '', alias), plugins: undefined };
  hash.update(JSON.stringify({ esbuild: esbuild.version, options, plugin: String(reactDomClientNamedExports.setup) }));
  const files = [...ALSO_KEYED_ON, ...[...inputs].sort()];
  for (const file of files) {
    const content = readFileSync(join(ROOT, file));
    hash.update(`\0${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const entries = process.argv.length > 2 ? process.argv.slice(2) : APP_ENTRIES;
  for (const entry of entries) {
    const started = performance.now();
    const dir = await buildApp(entry);
    console.log(`${entry}: ${dir} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}
