import type { IdentityApi } from '@backstage/core-plugin-api';
import type { EnabledSegmentConfig } from '../config/SegmentConfig';
import { ROOT } from '../config/configErrors';
import type { UserIdTransformOption } from '../identity/userIdOptions';
import { startBrowserBackendSession } from './backendSession';
import { browserScheduler } from './Delivery';
import type { Logger } from './Transport';

/** What `delivery: backend` adds to the pipeline; undefined from {@link startRelayMode} means: stay off. */
export type RelayMode = {
  /** Delivery loads the library once this settles (the relay's first cookie attempt). */
  whenReady?: Promise<unknown>;
};

/**
 * Starts what `delivery: backend` needs (nothing for `direct`): the relay's
 * session cookie, kept fresh, unless in test mode; warnings for the keys
 * that have no effect in this mode.
 *
 * @remarks
 * Without an identity API there is no signed-in user, and the relay accepts
 * signed-in users only: then it warns and returns undefined (the module
 * stays off, as nothing it sent would be accepted).
 */
export function startRelayMode(config: EnabledSegmentConfig, identityApi: IdentityApi | undefined, logger: Logger): RelayMode | undefined {
  const { relay } = config;
  if (!relay) return {};
  if (relay.ignoredKeys.length) {
    const keys = relay.ignoredKeys.map(key => `${ROOT}.${key}`).join(', ');
    logger.warn(
      `Segment analytics: ${keys} ${relay.ignoredKeys.length > 1 ? 'have' : 'has'} no effect with delivery: backend ` +
        '(the backend relay forwards to Segment with its own write key, region and groups): remove from the frontend config',
    );
  }
  if (!identityApi) {
    logger.warn(
      'Segment analytics is off: delivery: backend sends as the signed-in Backstage user, and SegmentAnalytics.fromConfig ' +
        'was given no identityApi',
    );
    return undefined;
  }
  if (config.testMode) return {};
  const session = startBrowserBackendSession({
    relayUrl: relay.url,
    getCredentials: () => identityApi.getCredentials(),
    warn: message => logger.warn(message),
    readyTimeoutMs: config.identityTimeoutMs,
    scheduler: browserScheduler,
  });
  return { whenReady: session.ready };
}

/**
 * The transform of the user's id in the browser. With `delivery: backend` the
 * relay sets every `userId` itself; the browser still needs an id per user
 * (to start a new session when another person signs in, to keep stored
 * calls to their owner), and it is the SHA-256 of the entity ref unless a
 * transform is configured: no plaintext ref is stored by the library or sent
 * to the relay (which replaces it).
 */
export function browserUserIdTransform(
  config: EnabledSegmentConfig,
  transform: UserIdTransformOption | undefined,
): UserIdTransformOption | undefined {
  return config.relay ? transform ?? 'sha-256' : transform;
}
