import type { IdentityApi } from '@backstage/core-plugin-api';
import type { EnabledSegmentConfig } from '../config/SegmentConfig';
import { browserUserId, pageLocalStorage } from '../delivery/storedOwner';
import type { Logger } from '../delivery/Transport';

/** One delivery's relay session cookie (see {@link RelayMode.session}). */
export type RelaySession = {
  /** Delivery loads the library once this settles (the relay's first cookie: see `BackendSession.ready`). */
  whenReady: Promise<unknown>;
  /** The relay answered a call 401: its cookie is refreshed now; whether that 401 tells of a problem (see `BackendSession.refused`). */
  refused: () => boolean;
};

/** What `delivery: backend` adds to the pipeline; undefined from {@link startRelayMode} means: stay off. */
export type RelayMode = {
  /**
   * Starts the relay's session cookie, kept fresh, for a delivery being
   * made (after the user's own choice allows it: a user who said no, or
   * has not said yes, never has the relay contacted); one made before is
   * stopped (a delivery is made again after a switch off and on).
   */
  session?: () => RelaySession;
  /** This page's user id (as the browser sends it), once known: no cookie is asked for once another person has signed in. */
  followUser?: (userId: Promise<string>) => void;
  /** Stops keeping the cookie fresh (the instance gave its write key up; analytics switched off). */
  stop?: () => void;
};

/**
 * Starts what `delivery: backend` needs (nothing for `direct`): one warning
 * for the keys that have no effect in this mode, and, unless in test mode,
 * the means to start the relay's session cookie as a delivery is made (its
 * code is loaded lazily, off the app's first load); calls wait for the first one.
 *
 * @remarks
 * Without an identity API there is no signed-in user, and the relay accepts
 * signed-in users only: then it warns and returns undefined (the module
 * stays off, as nothing it sent would be accepted).
 */
export function startRelayMode(config: EnabledSegmentConfig, identityApi: IdentityApi | undefined, logger: Logger): RelayMode | undefined {
  const { relay } = config;
  if (!relay) return {};
  const prefix = 'Segment analytics: with delivery: backend,';
  if (relay.ignoredKeys.length) logger.warn(`${prefix} these keys have no effect (remove them): ${relay.ignoredKeys.join(', ')}`);
  if (!identityApi) {
    logger.warn(`${prefix} the module is off: fromConfig was given no identityApi (the backend accepts signed-in users only)`);
    return undefined;
  }
  if (config.testMode) return {};
  let pageUser: string | undefined;
  const libraryCookies = !config.agent.disableCookies;
  /** Whose page through the relay loaded last in this browser (each page records its user as it is known). */
  const newestKey = `backstage-segment:${config.writeKey}:relay-user`;
  const storage = () => {
    try {
      return pageLocalStorage();
    } catch {
      return undefined; // a sandboxed frame: nothing recorded, nothing read
    }
  };
  /** Stops the session started last. */
  let stop = () => {};
  const session = (): RelaySession => {
    stop();
    const started = import(/* webpackChunkName: "segment-analytics-relay" */ './browserBackendSession').then(m =>
      m.startBrowserBackendSession({
        relayUrl: relay.url,
        getCredentials: () => identityApi.getCredentials(),
        warn: message => logger.warn(message),
        anotherUserSignedIn: () => pageUser !== undefined && (browserUserId(libraryCookies) ?? pageUser) !== pageUser,
        // A session started once analytics is on (the user's choice, read or changed): after another person's page
        // loaded in another tab, asking would take their cookie, and their calls would go out as this user's.
        signedInSinceLoad: () => {
          try {
            const newest = pageUser === undefined ? null : storage()?.getItem(newestKey);
            return !!newest && newest !== pageUser;
          } catch {
            return false;
          }
        },
      }),
    );
    /** The session once its chunk has loaded (calls wait for it: a refusal comes after). */
    let loaded: { refused(): boolean } | undefined;
    const whenReady = started.then(s => {
      loaded = s;
      return s.ready;
    });
    // Read by the delivery: the chunk failing to load is its readers' failure (the library is not loaded), not
    // the page's unhandled one.
    whenReady.catch(() => {});
    stop = () => void started.then(s => s.stop(), () => {});
    return { whenReady, refused: () => loaded?.refused() ?? true };
  };
  return {
    session,
    followUser: userId =>
      void userId.then(
        id => {
          pageUser = id;
          try {
            storage()?.setItem(newestKey, id);
          } catch {
            // not recorded: a later session of another page asks for the cookie, as one starting at its load does
          }
        },
        () => {},
      ),
    stop: () => stop(),
  };
}
