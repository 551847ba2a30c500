import type { LoggerService } from '@backstage/backend-plugin-api';
import { createFailureLog, type FailureLog } from './failureLog';
import { ANOTHER_SITE } from './sameSite';

/** Origins whose refusals are throttled each on their own; the others share one throttle. */
const MAX_ORIGINS = 16;

/** See {@link createCrossSiteLog}. */
export type CrossSiteLog = {
  /** A request was refused as cross-site (`problem`, from `crossSiteProblem`); `origin`: its `Origin` header. */
  refused(problem: string, origin: string | undefined): void;
};

/**
 * Warns of requests refused as cross-site: an app reached under a host its
 * config does not name loses every event so. Per origin, the first at once,
 * then at most one line a minute with a count (see `createFailureLog`), so
 * that a page of another site firing on cannot hide another origin's
 * refusals. The origin is quoted printable ASCII only (at most 200
 * characters): the header is the client's to write.
 *
 * @param now - the clock (milliseconds), injected for tests
 */
export function createCrossSiteLog(logger: LoggerService, now: () => number = Date.now): CrossSiteLog {
  const byOrigin = new Map<string, FailureLog>();
  return {
    refused(problem, origin) {
      const shown = typeof origin === 'string' ? origin.slice(0, 200).replace(/[^\x20-\x7e]/g, '?') : '';
      const key = byOrigin.has(shown) || byOrigin.size < MAX_ORIGINS ? shown : '*';
      let log = byOrigin.get(key);
      if (!log) byOrigin.set(key, (log = createFailureLog(logger, now)));
      // The browser marks the page's site as another than the backend's: no config of the relay's lets it through.
      const advice =
        problem === ANOTHER_SITE
          ? 'The app and the backend must be on one site (the same scheme and registrable domain: app.example.com and ' +
            'api.example.com are one site, app.example.com and api.example.net are not)'
          : 'If the app is reached there, add that origin to app.baseUrl or backend.cors.origin';
      log.failed('refused', `Segment relay: ${problem}${shown ? ` (Origin: ${shown})` : ''}; answered 403, its events are lost. ${advice}`);
    },
  };
}
