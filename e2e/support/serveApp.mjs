// @ts-check
// Serves a built app on a loopback port, with Backstage config injected into
// index.html the way Backstage's app backend does it in production.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

/** @type {Record<string, string>} */
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf' };

/**
 * @param {string} dir the built app
 * @param {(origin: string) => object} configFor app config, given the origin it is served on
 * @param {{ hostName?: string }} [options] the host name the browser will use (default 127.0.0.1)
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function serveApp(dir, configFor, { hostName = '127.0.0.1' } = {}) {
  let origin = '';
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (extname(path) && !path.includes('..')) {
      try {
        const body = await readFile(join(dir, path));
        res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    const config = JSON.stringify([{ context: 'e2e', data: configFor(origin) }]).replace(/</g, '\\u003c');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html>
<html><head><meta charset="utf-8"><title>Backstage</title>
<link rel="stylesheet" href="/index.css" onerror="this.remove()">
<script type="backstage.io/config">${config}</script></head>
<body><div id="root"></div><script type="module" src="/index.js"></script></body></html>`);
  });
  await new Promise(ok => server.listen(0, '127.0.0.1', () => ok(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  origin = `http://${hostName}:${port}`;
  return {
    url: origin,
    port,
    close: () => new Promise(ok => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
