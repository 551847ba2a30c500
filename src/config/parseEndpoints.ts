import { cutText } from '../text/cutText';
import { invalid } from './configErrors';


/**
 * Parses an http(s) endpoint strictly: a scheme (given, or `https` when
 * optional), a non-empty host, an optional port and path; nothing else.
 *
 * @remarks
 * Refused, with an error naming the key: other schemes (`javascript:`,
 * `data:`, `ftp://`...), an empty host (`https:///`), credentials
 * (`user:pass@host`, never quoted back), a query string or fragment, spaces,
 * control characters and backslashes (which browsers read as `/`).
 */
function parseEndpoint(key: string, raw: string, accepts: string, schemeRequired: boolean): URL {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw);
  const rest = scheme ? raw.slice(scheme[0].length) : raw;
  const authority = /^[^/?#]*/.exec(rest)![0];
  // Checked first, so that a password is never quoted back.
  if (authority.includes('@')) throw invalid(key, accepts, 'got a URL with credentials, which are not allowed');
  const fail = (why: string) => invalid(key, accepts, `got '${cutText(raw, 80)}': ${why}`);
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f\\]/.test(raw)) throw fail('spaces, control characters and backslashes are not allowed');
  const name = scheme?.[1].toLowerCase();
  if (name ? name !== 'http' && name !== 'https' : /^[a-z][a-z0-9+.-]*:(?!\d+(?:[/?#]|$))/i.test(raw)) {
    // `javascript:...`, `data:...`, `ftp://...`; but `localhost:8080/v1` is a host and port.
    throw fail('only http and https are allowed');
  }
  if (!name && schemeRequired) throw fail('no http:// or https:// scheme');
  if (!authority) throw fail('the host is empty');
  if (/[?#]/.test(rest)) throw fail('a query string or fragment is not allowed');
  try {
    return new URL(`${name ?? 'https'}://${rest}`);
  } catch {
    throw fail('not a valid host, port and path');
  }
}

const trimSlashes = (path: string) => path.replace(/\/+$/, '');

/**
 * Splits `apiHost` (`https://proxy.example.com/v1`, `proxy.example.com/v1`,
 * `127.0.0.1:4000/v1`) into protocol and the scheme-less host and path the
 * library wants; throws an error naming the key for anything else.
 */
export function parseApiHost(raw: string): { apiHost: string; protocol: 'http' | 'https' } {
  const url = parseEndpoint('apiHost', raw, "a host, port and path, optionally with 'http://' or 'https://'", false);
  return { protocol: url.protocol === 'http:' ? 'http' : 'https', apiHost: url.host + trimSlashes(url.pathname) };
}

/** Validates `cdnURL`: an absolute http(s) URL, no trailing slash; throws an error naming the key otherwise. */
export function parseCdnURL(raw: string): string {
  const url = parseEndpoint('cdnURL', raw, "an absolute 'http://' or 'https://' URL", true);
  return url.origin + trimSlashes(url.pathname);
}

/**
 * Validates `writeKey`: letters, digits, `-`, `_`, `.` and `~`, not only
 * dots.
 *
 * @remarks
 * The library puts the key unencoded into the settings URL path
 * (`{cdnURL}/v1/projects/{writeKey}/settings`) and, as is, into the
 * `Authorization` header and the batch body. Encoding it for the URL would
 * change the key the collector sees, so it is validated instead: Segment's
 * write keys are letters and digits, and with this set no key can add a path
 * segment, a query or a fragment to that URL. The message does not quote
 * the key.
 */
export function checkWriteKey(writeKey: string): string {
  if (/[^\w.~-]|^\.+$/.test(writeKey)) {
    throw invalid(
      'writeKey',
      "letters, digits, '-', '_', '.' and '~' only, not only dots",
      'it is a path segment of the settings URL',
    );
  }
  return writeKey;
}
