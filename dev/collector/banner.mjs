// @ts-check
// What the collector prints at start: where to look, the control token, and
// the exact app-config.yaml block that points a Backstage app at it.
import { TOKEN_HEADER } from './access.mjs';

/** The write key printed in the config block when the collector accepts any key. */
export const ANY_WRITE_KEY = 'dev-collector';

/**
 * The `app-config.yaml` block that makes the module send to this collector.
 * The module reads the scheme from `apiHost` (there is no `protocol` key).
 * @param {{ url: string, apiHost: string }} collector
 * @param {string} [writeKey=ANY_WRITE_KEY]
 * @returns {string} YAML, ending with a newline
 */
export function appConfigBlock({ url, apiHost }, writeKey = ANY_WRITE_KEY) {
  return [
    'app:',
    '  analytics:',
    '    segment:',
    `      writeKey: ${JSON.stringify(writeKey)}`,
    `      apiHost: ${url.startsWith('https:') ? 'https' : 'http'}://${apiHost}`,
    `      cdnURL: ${url}`,
    '',
  ].join('\n');
}

/**
 * The lines printed when the collector starts.
 * @param {{ url: string, apiHost: string, controlToken: string, allowedOrigins: () => string[] }} collector
 * @param {{ writeKey?: string }} [options]
 * @returns {string[]}
 */
export function startBanner(collector, { writeKey } = {}) {
  const { url, controlToken } = collector;
  const extra = collector.allowedOrigins();
  return [
    `Segment collector listening on ${url}`,
    `  received view: ${url}/events   JSON: ${url}/events.json?limit=100&offset=0`,
    `  readable by loopback origins (http://127.0.0.1:*, http://localhost:*, http://[::1]:*)${
      extra.length ? ` and ${extra.join(', ')}` : ''
    }; add your app's origin with --allow-origin if it is served elsewhere`,
    `  control token: ${controlToken}`,
    `    e.g. curl -X POST -H '${TOKEN_HEADER}: ${controlToken}' ${url}/_control/clear`,
    "  To send from your own Backstage app, put this in its app-config.local.yaml (merge it into an existing app: block):",
    '# ---8<---',
    ...appConfigBlock(collector, writeKey).trimEnd().split('\n'),
    '# --->8---',
  ];
}
