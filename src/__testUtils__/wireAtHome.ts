import type { AnalyticsContextValue } from '@backstage/core-plugin-api';
import { nextMillisecond } from './fakeTime';
import { userIdentity, WireCollector, WireInstance } from './wireTest';

/**
 * A wire instance (`segment` its config) of Jane's app on its home page, the
 * library loaded and the home page's call (`attributes.n` 0) at the collector,
 * titled `title`.
 */
export async function wireAtHome(wire: WireCollector, segment: object, context: AnalyticsContextValue, title: string): Promise<WireInstance> {
  const app = wire.create(segment, { identityApi: userIdentity('user:default/jane') });
  window.history.pushState({}, '', '/home');
  app.analytics.captureEvent({ action: 'navigate', subject: '/home', attributes: { n: 0 }, context });
  await jest.advanceTimersByTimeAsync(200);
  document.title = title;
  await app.waitFor(m => m.some(x => x.properties?.attributes?.n === 0));
  nextMillisecond();
  return app;
}
