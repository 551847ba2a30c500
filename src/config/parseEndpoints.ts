const ROOT = 'app.analytics.segment';

function invalid(key: string, accepts: string, got: string): Error {
  return new Error(`Invalid config ${ROOT}.${key}: expected ${accepts} (${got})`);
}

/** The value, quoted and shortened, for an error message. */
function quote(raw: string): string {
  return `got '${raw.length > 80 ? `${raw.slice(0, 80)}…` : raw}'`;
}

type Endpoint = { protocol: 'http' | 'https'; url: URL };

/**
 * Parses an http(s) endpoint strictly: a scheme (given or `https`), a
 * non-empty host, an optional port and path; nothing else.
 *
 * @remarks
 * Refused, with an error naming the key: other schemes (`javascript:`,
 * `data:`, `ftp://`...), an empty host (`https:///`), credentials
 * (`user:pass@host`, never echoed back), a query string or fragment, spaces,
 * control characters and backslashes (which browsers read as `/`).
 */
function parseEndpoint(key: string, raw: string, accepts: string, schemeRequired: boolean): Endpoint {
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f\\]/.test(raw)) throw invalid(key, accepts, `${quote(raw)}: spaces, control characters and backslashes are not allowed`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw);
  const authority = /^[^/?#]*/.exec(scheme ? raw.slice(scheme[0].length) : raw)![0];
  // First, so that a password is never quoted back in another message.
  if (authority.includes('@')) throw invalid(key, accepts, 'got a URL with credentials (user or password), which are not allowed');
  let protocol: 'http' | 'https' = 'https';
  let rest = raw;
  if (scheme) {
    const name = scheme[1].toLowerCase();
    if (name !== 'http' && name !== 'https') throw invalid(key, accepts, `${quote(raw)}: only http and https are allowed`);
    protocol = name;
    rest = raw.slice(scheme[0].length);
  } else if (schemeRequired || (/^[a-z][a-z0-9+.-]*:/i.test(raw) && !/^[^/:?#@]+:\d+(?:[/?#]|$)/.test(raw))) {
    // `javascript:...`, `data:...`, `mailto:...` (but `localhost:8080/v1` is a host and port)
    throw invalid(key, accepts, `${quote(raw)}: ${schemeRequired ? 'no http:// or https:// scheme' : 'only http and https are allowed'}`);
  }
  if (!authority) throw invalid(key, accepts, `${quote(raw)}: the host is empty`);
  if (/[?#]/.test(rest)) throw invalid(key, accepts, `${quote(raw)}: a query string or fragment is not allowed`);
  let url: URL;
  try {
    url = new URL(`${protocol}://${rest}`);
  } catch {
    throw invalid(key, accepts, `${quote(raw)}: not a valid host, port and path`);
  }
  if (!url.hostname) throw invalid(key, accepts, `${quote(raw)}: the host is empty`);
  return { protocol, url };
}

const withoutTrailingSlashes = (path: string) => path.replace(/\/+$/, '');

/**
 * Splits `apiHost` (`https://proxy.example.com/v1`, `proxy.example.com/v1`,
 * `127.0.0.1:4000/v1`) into protocol and the scheme-less host and path the
 * library wants; throws an error naming the key for anything else.
 */
export function parseApiHost(raw: string): { apiHost: string; protocol: 'http' | 'https' } {
  const accepts = "a host with optional port and path, optionally with an 'http://' or 'https://' scheme";
  const { protocol, url } = parseEndpoint('apiHost', raw, accepts, false);
  return { protocol, apiHost: `${url.host}${withoutTrailingSlashes(url.pathname)}` };
}

/** Validates `cdnURL`: an absolute http(s) URL, no trailing slash; throws an error naming the key otherwise. */
export function parseCdnURL(raw: string): string {
  const { url } = parseEndpoint('cdnURL', raw, "an absolute 'http://' or 'https://' URL", true);
  return `${url.origin}${withoutTrailingSlashes(url.pathname)}`;
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
 * segment, a query or a fragment to that URL. The message names the first
 * offending character, not the key.
 */
export function checkWriteKey(writeKey: string): string {
  const bad = /[^A-Za-z0-9._~-]/.exec(writeKey);
  const accepts = "letters, digits, '-', '_', '.' and '~' only (it becomes a path segment of the settings URL)";
  if (bad) throw invalid('writeKey', accepts, `got a key containing ${JSON.stringify(bad[0])}`);
  if (/^\.+$/.test(writeKey)) throw invalid('writeKey', accepts, "got a key made only of '.'");
  return writeKey;
}
