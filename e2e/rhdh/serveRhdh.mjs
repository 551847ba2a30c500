// @ts-check
// A loopback server standing in for RHDH's app and backend in the browser
// tests: the host page (config injected), the host bundle, and the exported
// plugin's assets at the paths RHDH serves them from:
//   GET /api/scalprum/plugins            { [name]: { name, manifestLocation } } (scalprum-backend)
//   GET /api/scalprum/{name}/...         the package's dist-scalprum/ (scalprum-backend)
//   GET /api/mf/{packageName}/...        the package's dist/ (module federation build)
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES = { '.js': 'text/javascript', '.json': 'application/json', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml' };

/**
 * @typedef {object} ServeOptions
 * @property {string} hostDir the built host bundle (index.js and its chunks)
 * @property {string} packageDir the extracted dynamic plugin package (its package.json, dist-scalprum/, dist/)
 * @property {(origin: string) => { config: object, [key: string]: unknown }} testFor what the page gets as window.__RHDH_TEST__;
 *   `config` is also given to Backstage as its app config
 */

/**
 * @param {ServeOptions} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveRhdh({ hostDir, packageDir, testFor }) {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(packageDir, 'dist-scalprum', 'plugin-manifest.json'), 'utf8'));
  let origin = '';
  /** @type {Array<[string, string]>} URL prefix, folder */
  const statics = [
    ['/host/', hostDir],
    [`/api/scalprum/${manifest.name}/`, join(packageDir, 'dist-scalprum')],
    [`/api/mf/${pkg.name}/`, join(packageDir, 'dist')],
  ];
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (path === '/api/scalprum/plugins') {
      const body = { [manifest.name]: { name: manifest.name, manifestLocation: `${origin}/api/scalprum/${manifest.name}/plugin-manifest.json` } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    const served = statics.find(([prefix]) => path.startsWith(prefix));
    if (served && !path.includes('..')) {
      try {
        const body = await readFile(join(served[1], path.slice(served[0].length)));
        res.writeHead(200, { 'content-type': TYPES[/** @type {keyof TYPES} */ (extname(path))] ?? 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    if (extname(path) && !path.includes('..')) {
      // The host bundle's own assets (fonts, icons) are referenced from the page's root.
      try {
        const body = await readFile(join(hostDir, path));
        res.writeHead(200).end(body);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    const test = testFor(origin);
    const json = (/** @type {unknown} */ value) => JSON.stringify(value).replace(/</g, '\\u003c');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html>
<html><head><meta charset="utf-8"><title>RHDH host</title>
<script type="backstage.io/config">${json([{ context: 'rhdh-e2e', data: test.config }])}</script>
<script>window.__RHDH_TEST__ = ${json(test)};</script></head>
<body><div id="root"></div><script type="module" src="/host/index.js"></script></body></html>`);
  });
  await new Promise(ok => server.listen(0, '127.0.0.1', () => ok(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    close: () =>
      new Promise(ok => {
        server.closeAllConnections();
        server.close(() => ok(undefined));
      }),
  };
}
