// @ts-check
import { createServer } from 'node:http';

/**
 * A page outside the app, on another loopback port: where a link leaves to.
 * Its page shows `#away`. Given to `closeLater` (see `harnessesOfFile`) to be closed with the file's harnesses.
 * @param {(closable: { close(): Promise<unknown> }) => unknown} closeLater
 */
export async function outsideSite(closeLater) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>Elsewhere</title><p id="away">elsewhere</p>');
  });
  await new Promise(ok => server.listen(0, '127.0.0.1', () => ok(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const site = {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise(ok => { server.closeAllConnections(); server.close(() => ok(undefined)); }),
  };
  closeLater(site);
  return site;
}
