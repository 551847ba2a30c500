import { Config } from '@backstage/config';
import { describe, invalid } from './configErrors';
import { parseApiHost } from './parseEndpoints';

/** The backend plugin's id: its routes are under `{backend.baseUrl}/api/segment-analytics`. */
const RELAY_PLUGIN_ID = 'segment-analytics';

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
  let value: unknown;
  let baseUrl: unknown;
  try {
    value = segment?.getOptional('delivery');
    baseUrl = config.getOptional('backend.baseUrl');
  } catch {
    // read as missing
  }
  if (value === undefined || value === 'direct') return undefined;
  if (value !== 'backend') throw invalid('delivery', accepts, describe(value));
  const fail = () => invalid('delivery', accepts, "'backend' needs backend.baseUrl, an absolute http(s) URL");
  if (typeof baseUrl !== 'string' || !/^https?:\/\//i.test(baseUrl.trim())) throw fail();
  let endpoint;
  try {
    endpoint = parseApiHost(`${baseUrl.trim().replace(/\/+$/, '')}/api/${RELAY_PLUGIN_ID}/v1`);
  } catch {
    throw fail();
  }
  const { apiHost, protocol } = endpoint;
  // Set ones only: an empty value (an environment variable set to '') is no value there either.
  const ignoredKeys = IGNORED_IN_BACKEND_MODE.filter(key => segment?.has(key) && segment.getOptional(key) !== '');
  return { url: `${protocol}://${apiHost.slice(0, -3)}`, apiHost, protocol, ignoredKeys };
}
