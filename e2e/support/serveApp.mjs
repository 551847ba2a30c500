// @ts-check
// Serves a built app on a loopback port, with Backstage config injected into
// index.html the way Backstage's app backend does it in production.
import { createServer, request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

/** @type {Record<string, string>} */
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf' };

/**
 * @param {string} dir the built app
 * @param {(origin: string) => object} configFor app config, given the origin it is served on
 * @param {{ hostName?: string, api?: () => string }} [options] `hostName`: the host name the browser will
 *   use (default 127.0.0.1); `api`: the origin of a backend that requests under `/api/` are passed to, so
 *   that app and backend share one origin as in production (read at each request)
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function serveApp(dir, configFor, { hostName = '127.0.0.1', api } = {}) {
  let origin = '';
  const server = createServer(async (req, res) => {
    if (api && req.url?.startsWith('/api/')) {
      passTo(api(), req, res);
      return;
    }
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

/**
 * Passes a request to `target` (an http origin) as is, headers included, and its answer back.
 * @param {string} target
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 */
function passTo(target, req, res) {
  const url = new URL(req.url ?? '/', target);
  const upstream = request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, answer => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}
