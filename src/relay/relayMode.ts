import type { IdentityApi } from '@backstage/core-plugin-api';
import type { EnabledSegmentConfig } from '../config/SegmentConfig';
import { browserUserId } from '../delivery/storedOwner';
import type { Logger } from '../delivery/Transport';

/** What `delivery: backend` adds to the pipeline; undefined from {@link startRelayMode} means: stay off. */
export type RelayMode = {
  /** Delivery loads the library once this settles (the relay's first cookie: see `BackendSession.ready`). */
  whenReady?: Promise<unknown>;
  /** The relay answered a call 401: its cookie is refreshed now; whether that 401 tells of a problem (see `BackendSession.refused`). */
  refused?: () => boolean;
  /** This page's user id (as the browser sends it), once known: no cookie is asked for once another person has signed in. */
  followUser?: (userId: Promise<string>) => void;
  /** Stops keeping the cookie fresh (the instance gave its write key up). */
  stop?: () => void;
};

/**
 * Starts what `delivery: backend` needs (nothing for `direct`): one warning
 * for the keys that have no effect in this mode, and, unless in test mode,
 * the relay's session cookie, kept fresh (its code is loaded lazily, off the
 * app's first load); calls wait for the first one.
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
  const session = import(/* webpackChunkName: "segment-analytics-relay" */ './browserBackendSession').then(m =>
    m.startBrowserBackendSession({
      relayUrl: relay.url,
      getCredentials: () => identityApi.getCredentials(),
      warn: message => logger.warn(message),
      anotherUserSignedIn: () => pageUser !== undefined && (browserUserId(!config.agent.disableCookies) ?? pageUser) !== pageUser,
    }),
  );
  /** The session once its chunk has loaded (calls wait for it: a refusal comes after). */
  let started: { refused(): boolean } | undefined;
  const whenReady = session.then(s => {
    started = s;
    return s.ready;
  });
  // Read once delivery is made (after the user's own choice, whose code loads first): the chunk failing to load
  // is its readers' failure (the library is not loaded), not the page's unhandled one.
  whenReady.catch(() => {});
  return {
    whenReady,
    refused: () => started?.refused() ?? true,
    followUser: userId => void userId.then(id => (pageUser = id), () => {}),
    stop: () => void session.then(s => s.stop(), () => {}),
  };
}
