import { Config } from '@backstage/config';
import { invalid, ROOT } from './configErrors';
import { parseApiHost } from './parseEndpoints';

/** The backend plugin's id: its routes are under `{backend.baseUrl}/api/segment-analytics`. */
export const RELAY_PLUGIN_ID = 'segment-analytics';

/**
 * The write key analytics-next is given in `delivery: backend` mode: any
 * non-empty string works, the relay ignores it and forwards with its own.
 */
export const RELAY_WRITE_KEY = 'backstage-relay';

/**
 * Keys that have no effect with `delivery: backend` (the backend owns what
 * they set): reported once by a warning when set.
 */
const IGNORED_IN_BACKEND_MODE = ['writeKey', 'region', 'apiHost', 'cdnURL', 'cdnSettings', 'groups'] as const;

/** Where calls go with `delivery: backend`, and what the config set in vain. */
export type RelayDelivery = {
  /** The relay's base URL, `{backend.baseUrl}/api/segment-analytics`, without a trailing slash. */
  url: string;
  /** Host and path of its tracking API without scheme (analytics-next's `apiHost`). */
  apiHost: string;
  protocol: 'http' | 'https';
  /** Keys of the segment block that are set but have no effect in this mode. */
  ignoredKeys: string[];
};

/**
 * Reads `app.analytics.segment.delivery` (`'direct'`, the default, or
 * `'backend'`); for `'backend'`, the relay's endpoints from `backend.baseUrl`.
 *
 * @remarks
 * Pure. Returns undefined for `'direct'`. A value outside the set, or
 * `'backend'` without a usable `backend.baseUrl`, throws an error naming
 * the key.
 */
export function readDelivery(config: Config, segment: Config | undefined): RelayDelivery | undefined {
  const accepts = "'direct' or 'backend'";
  let value: string | undefined;
  try {
    value = segment?.getOptionalString('delivery');
  } catch (e) {
    throw invalid('delivery', accepts, e instanceof Error ? e.message : undefined);
  }
  if (value === undefined || value === 'direct') return undefined;
  if (value !== 'backend') throw invalid('delivery', accepts, `got '${value}'`);

  let baseUrl: string | undefined;
  try {
    baseUrl = config.getOptionalString('backend.baseUrl')?.trim();
  } catch {
    baseUrl = undefined;
  }
  if (!baseUrl || !/^https?:\/\//i.test(baseUrl)) {
    throw new Error(
      `Invalid config ${ROOT}.delivery: 'backend' sends every call to the app's backend, ` +
        "and backend.baseUrl is not an absolute 'http://' or 'https://' URL",
    );
  }
  let endpoint: { apiHost: string; protocol: 'http' | 'https' };
  try {
    endpoint = parseApiHost(`${baseUrl.replace(/\/+$/, '')}/api/${RELAY_PLUGIN_ID}/v1`);
  } catch {
    throw new Error(`Invalid config ${ROOT}.delivery: 'backend' needs a valid backend.baseUrl (an http or https URL)`);
  }
  const { apiHost, protocol } = endpoint;
  const ignoredKeys = IGNORED_IN_BACKEND_MODE.filter(key => segment?.has(key));
  return { url: `${protocol}://${apiHost.replace(/\/v1$/, '')}`, apiHost, protocol, ignoredKeys };
}
