// @ts-check
// `npm start -- --backend`: the Backstage backend of the dev harness's
// `delivery: backend` mode. A real @backstage/backend-defaults backend (auth
// backend with its guest provider, and the Segment relay of backend/) on
// http://localhost:PORT, forwarding to the embedded collector, which stands
// in for Segment. The dev app (http://localhost:3000) signs in as guest there.
import { existsSync } from 'node:fs';
import { freePort } from './freePort.mjs';

/** The app's origin in the dev harness (app-config.backend.yaml). */
const APP_ORIGIN = 'http://localhost:3000';

/**
 * Starts the backend, on `port` or else a free port. Rejects with what to do
 * when backend/ has no node_modules.
 * @param {{ upstreamUrl: string, port: number }} options `upstreamUrl`: the collector's `{url}/v1`
 * @returns {Promise<{ baseUrl: string, stop: () => Promise<void> }>}
 */
export async function startDevBackend({ upstreamUrl, port }) {
  if (!existsSync(new URL('../backend/node_modules/@backstage/backend-defaults/package.json', import.meta.url))) {
    throw new Error("backend/ has no node_modules: run 'npm install' in backend/ first");
  }
  const { startSegmentBackend } = await import('../backend/dev/startSegmentBackend.mjs');
  /** @param {number | undefined} listenPort */
  const start = async listenPort => {
    // The backend's own URL (and so its cookie's domain) names the port: choose it first.
    const chosen = listenPort ?? (await freePort());
    const baseUrl = `http://localhost:${chosen}`;
    const backend = await startSegmentBackend({
      upstreamUrl,
      port: chosen,
      // The relay's HMAC key of the harness: a fixed, public one (never use it elsewhere).
      hmacKey: 'dev-harness-hmac-key-not-a-secret-0123456789',
      segmentAnalytics: { groups: true },
      config: {
        app: { baseUrl: APP_ORIGIN },
        // localhost, as the app: one site, so the relay's cookie goes along with the app's requests.
        backend: { baseUrl, cors: { origin: APP_ORIGIN, credentials: true, methods: ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'] } },
      },
      printLogs: process.env.SEGMENT_BACKEND_LOGS === '1',
    });
    return { baseUrl, stop: backend.stop };
  };
  return start(port).catch(() => start(undefined));
}
