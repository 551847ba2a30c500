// Bundles a browser app (the dev harness, or the New Frontend System app)
// with esbuild, once per test process, into a temporary folder.
import * as esbuild from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const built = new Map();

/**
 * Builds `entry` (relative to the package root) and resolves with the output
 * folder. Config is not baked in: the server injects it into index.html.
 * `alias` maps package names to others (esbuild's alias), e.g. to bundle an
 * older version of a package installed under an npm alias.
 * @param {string} entry
 * @param {{ alias?: Record<string, string> }} [options]
 * @returns {Promise<string>}
 */
export function buildApp(entry, { alias = {} } = {}) {
  const key = `${entry} ${JSON.stringify(alias)}`;
  if (!built.has(key)) built.set(key, build(entry, alias));
  return built.get(key);
}

/**
 * esbuild gives a dynamically imported CommonJS module only a default export;
 * Backstage's dev app looks for `createRoot` on `import('react-dom/client')`.
 * This serves that import as ESM with named exports.
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
 * @param {string} entry
 * @param {Record<string, string>} alias
 */
async function build(entry, alias) {
  const outdir = mkdtempSync(join(tmpdir(), 'segment-e2e-app-'));
  await esbuild.build({
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
    logLevel: 'error',
  });
  return outdir;
}
