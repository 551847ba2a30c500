import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import type { RelayConfig } from './config/RelayConfig';
import { CONFIG_ROOT, readRelayConfig } from './config/readRelayConfig';
import { createOffRouter, createRouter } from './router/createRouter';
import { allowedOrigins } from './config/readAllowedOrigins';
import { relayConfigWarnings } from './config/relayConfigWarnings';

/** The start-up line: where events go and how, never a key. */
function describe(config: RelayConfig): string {
  const groups = config.groups ? `groups on (at most ${config.groups.limit} per user)` : 'groups off';
  const ip = config.maskIP ? "IP masked (0.0.0.0)" : "client IP forwarded unless the browser masks it";
  return `Segment relay: forwarding to ${config.upstreamUrl}/batch (time-out ${config.timeoutMs} ms); ids HMAC-SHA-256; ${groups}; ${ip}`;
}

/**
 * The Segment relay: receives the analytics calls of signed-in users on the
 * backend (`/api/segment-analytics/v1/...`), sets their pseudonymous ids and
 * forwards them to Segment with the write key from `segmentAnalytics`.
 *
 * @public
 */
export const segmentAnalyticsPlugin = createBackendPlugin({
  pluginId: 'segment-analytics',
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        cache: coreServices.cache,
      },
      async init({ rootConfig, logger, httpRouter, httpAuth, userInfo, cache }) {
        const settings = readRelayConfig(rootConfig);
        if (!settings.enabled) {
          logger.info(`Segment relay is off (${CONFIG_ROOT}.enabled: false): its routes answer 404 and forward nothing`);
          // Said to anyone, signed in or not: nothing is taken, and a page still set to `delivery: backend`
          // learns why its events go nowhere (not a 401, which it would take for an expired cookie).
          httpRouter.addAuthPolicy({ path: '/v1', allow: 'unauthenticated' });
          httpRouter.use(createOffRouter());
          return;
        }
        const { enabled: _enabled, ...config } = settings;
        logger.info(describe(config));
        for (const warning of relayConfigWarnings(config)) logger.warn(warning);
        // analytics-next cannot carry a Backstage token (it sets Authorization to
        // the write key), and keepalive requests at page exit carry cookies: the
        // tracking routes take the Backstage user cookie.
        httpRouter.addAuthPolicy({ path: '/v1', allow: 'user-cookie' });
        httpRouter.use(createRouter({ config, httpAuth, userInfo, cache, logger, origins: allowedOrigins(rootConfig) }));
      },
    });
  },
});
