import type { InitOptions } from '@segment/analytics-next';

/** Why the library's requests fail once the user has switched analytics off. */
export class AnalyticsSwitchedOff extends Error {
  constructor() {
    super('Segment analytics is switched off by the user');
    this.name = 'NonRetryableError';
  }
}

/**
 * Makes every later request of a loaded library fail before it is made:
 * its delivery strategy's config object is kept by the library and read on
 * each request (see `toLoadArguments`), and its `headers` function is called
 * first. So events the library still holds (being processed, waiting for a
 * retry) never reach the network once the user says no. The error is named
 * like the library's own non-retryable one, so nothing is retried.
 */
export function cutOffLibrary(initOptions: Pick<InitOptions, 'integrations'>): void {
  const strategy = (initOptions.integrations?.['Segment.io'] as { deliveryStrategy?: { config?: Record<string, unknown> } } | undefined)
    ?.deliveryStrategy;
  if (!strategy) return;
  strategy.config ??= {};
  strategy.config.headers = () => {
    throw new AnalyticsSwitchedOff();
  };
}
