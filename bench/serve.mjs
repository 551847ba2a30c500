// @ts-check
// A tiny static file server for the built pages, bound to 127.0.0.1.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/** @type {Record<string, string>} */
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json' };

/**
 * Serves `root` on a free port of 127.0.0.1. Pages are cross-origin isolated
 * (COOP + COEP), which gives performance.now() a fine resolution; the
 * collector is reached with CORS, which isolation allows.
 * @param {string} root
 * @returns {Promise<{ url: string, served: () => string[], clearServed: () => void, close: () => Promise<void> }>}
 */
export async function startStaticServer(root) {
  /** @type {string[]} */
  let served = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    let ok = false;
    try {
      ok = file.startsWith(root + sep) && statSync(file).isFile();
    } catch {
      // no such file: 404 below
    }
    if (req.method !== 'GET' || !ok) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    served.push(path);
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  return {
    url: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`,
    served: () => served.slice(),
    clearServed: () => {
      served = [];
    },
    close: () =>
      new Promise(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
