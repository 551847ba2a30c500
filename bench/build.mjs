// @ts-check
// Builds the benchmark pages with esbuild and measures their JavaScript.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The package root: esbuild's working directory, so metafile paths are relative to it. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The pages, all the same harness: (a) the module, (b) the naive implementation, (c) no analytics,
 * (d) one request per event and nothing else (the floor under the default configuration's cost).
 */
export const PAGES = ['module', 'naive', 'empty', 'floor'];

/**
 * The build settings every figure is taken with: what a production app bundle looks like.
 * @type {Readonly<esbuild.BuildOptions & { metafile: true }>}
 */
export const BUILD_OPTIONS = Object.freeze({
  absWorkingDir: ROOT,
  bundle: true,
  minify: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  logLevel: 'warning',
});

/** Size of `bytes` compressed with gzip at level 9. @param {Buffer} bytes */
export function gzipSize(bytes) {
  return gzipSync(bytes, { level: 9 }).length;
}

/**
 * Builds `bench/pages/<page>.ts` and an index.html into `<outRoot>/<page>/`.
 * @param {string} page
 * @param {string} outRoot
 * @param {{ minify?: boolean }} [overrides] e.g. `{ minify: false }` for the profile, whose areas come from the inputs' names
 * @returns the page's chunk graph and sizes (see analyze)
 */
export async function buildPage(page, outRoot, overrides = {}) {
  const outdir = join(outRoot, page);
  const { metafile } = await esbuild.build({
    ...BUILD_OPTIONS,
    ...overrides,
    entryPoints: { [page]: join(ROOT, 'bench', 'pages', `${page}.ts`) },
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
  });
  writeFileSync(
    join(outdir, 'index.html'),
    `<!doctype html>\n<html><head><meta charset="utf-8"><title>bench: ${page}</title></head>` +
      `<body><script type="module" src="./${page}.js"></script></body></html>\n`,
  );
  return { page, outdir, metafile, ...analyze(metafile, `bench/pages/${page}.ts`) };
}

/**
 * Splits a build's JavaScript outputs (`entryPoint`: the entry's input path) into the initial set (the entry chunk
 * and everything it imports statically: what the browser must load before
 * the page runs) and the lazy set (reachable only through import()).
 * @param {esbuild.Metafile} metafile
 * @param {string} entryPoint
 */
export function analyze(metafile, entryPoint) {
  const { outputs } = metafile;
  // Chunks that import() targets also carry an entryPoint: match ours.
  const entry = Object.keys(outputs).find(file => outputs[file].entryPoint === entryPoint);
  if (!entry) throw new Error(`the build has no chunk for entry point ${entryPoint}`);
  /** @param {string[]} roots @param {string[]} kinds */
  const reach = (roots, kinds) => {
    const seen = new Set(roots);
    const todo = [...roots];
    while (todo.length) {
      for (const edge of outputs[/** @type {string} */ (todo.pop())].imports) {
        if (!edge.external && kinds.includes(edge.kind) && !seen.has(edge.path)) {
          seen.add(edge.path);
          todo.push(edge.path);
        }
      }
    }
    return seen;
  };
  const initial = reach([entry], ['import-statement']);
  const all = reach([entry], ['import-statement', 'dynamic-import']);
  const lazy = [...all].filter(file => !initial.has(file));
  return { entry, initial: [...initial], lazy, initialSize: sizeOf(initial), lazySize: sizeOf(lazy) };
}

/** Minified and min+gzip bytes of output files (each gzipped on its own, as served). @param {Iterable<string>} files */
export function sizeOf(files) {
  let min = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(join(ROOT, file));
    min += bytes.length;
    gzip += gzipSize(bytes);
  }
  return { min, gzip, files: [...files].length };
}

/**
 * Input paths (relative to the package root) that end up in any of `files`.
 * @param {esbuild.Metafile} metafile
 * @param {Iterable<string>} files
 */
export function inputsOf(metafile, files) {
  /** @type {Set<string>} */
  const inputs = new Set();
  for (const file of files) for (const input of Object.keys(metafile.outputs[file].inputs)) inputs.add(input);
  return inputs;
}
