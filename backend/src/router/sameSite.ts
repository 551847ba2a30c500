import type { IncomingHttpHeaders } from 'node:http';

/** What {@link crossSiteProblem} says of a request the browser marks as another site's. */
export const ANOTHER_SITE = 'cross-site requests are refused (Sec-Fetch-Site: cross-site)';

/**
 * Why a request must be refused as cross-site, or undefined.
 *
 * @remarks
 * Pure. The user cookie rides along with requests other sites make (on
 * https it is `SameSite=None`), and a `text/plain` POST needs no CORS
 * preflight: without this check any page a signed-in user visits could post
 * events in their name. A browser says where a request comes from with
 * `Sec-Fetch-Site` and `Origin`; a request that names another site is refused.
 */
export function crossSiteProblem(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): string | undefined {
  if (headers['sec-fetch-site'] === 'cross-site') return ANOTHER_SITE;
  const origin = headers.origin;
  if (typeof origin === 'string' && allowed.size > 0 && !allowed.has(origin)) {
    return "requests from pages outside the app's origin are refused (Origin is not app.baseUrl, backend.baseUrl or backend.cors.origin)";
  }
  return undefined;
}
