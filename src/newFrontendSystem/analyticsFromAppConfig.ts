import { ConfigApi, IdentityApi, StorageApi } from '@backstage/frontend-plugin-api';
import { AnalyticsImplementationFactory } from '@backstage/plugin-app-react';
import { ROOT as BLOCK } from '../config/configErrors';
import { SegmentAnalytics } from '../SegmentAnalytics';

/**
 * The New Frontend System's analytics implementation, from where every
 * supported release has it (`@backstage/frontend-plugin-api` dropped the type
 * in 1.0).
 */
type AnalyticsImplementation = ReturnType<AnalyticsImplementationFactory['factory']>;

/** Analytics that records nothing: what the module falls back to. */
const analyticsOff: AnalyticsImplementation = { captureEvent: () => {} };

/**
 * The analytics implementation of the New Frontend System module.
 *
 * @remarks
 * The factory runs inside the app's route tracker, where a throw stops the
 * whole app from rendering, and feature discovery installs the module as soon
 * as the package is added. So this never throws:
 *
 * - no `app.analytics.segment` block at all: analytics off, one `console.info` line;
 * - an invalid block: analytics off, one `console.error` naming the key
 *   (printed by {@link SegmentAnalytics.fromConfig});
 * - otherwise: the same {@link SegmentAnalytics} as the legacy frontend system,
 *   following each user's own choice kept in the app's StorageApi.
 */
export function analyticsFromAppConfig(
  configApi: ConfigApi,
  identityApi: IdentityApi,
  storageApi?: StorageApi,
): AnalyticsImplementation {
  let configured: boolean;
  try {
    configured = configApi.has(BLOCK);
  } catch {
    // `app.analytics: false` (or any value that is not an object): Backstage's reader throws on a key below it.
    configured = false;
  }
  if (!configured) {
    // eslint-disable-next-line no-console
    console.info(`Segment analytics is off: no ${BLOCK} block in app-config.yaml`);
    return analyticsOff;
  }
  try {
    return SegmentAnalytics.fromConfig(configApi, { identityApi, storageApi });
  } catch {
    // Already printed with console.error by fromConfig, naming the key.
    return analyticsOff;
  }
}
