// @ts-check
import { createServer } from 'node:net';

/** @returns {Promise<number>} a free loopback port (there is a small window before it is bound again) */
export async function freePort() {
  const server = createServer();
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise(resolve => server.close(() => resolve(undefined)));
  return address.port;
}
