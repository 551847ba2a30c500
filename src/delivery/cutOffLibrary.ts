import type { InitOptions } from '@segment/analytics-next';

/** Why the library's requests fail once the user has switched analytics off. */
export class AnalyticsSwitchedOff extends Error {
  constructor() {
    super('Segment analytics is switched off by the user');
    this.name = 'NonRetryableError';
  }
}

/**
 * A header name `fetch` refuses (it has spaces): a request carrying it fails
 * before anything reaches the network, as a rejected promise.
 */
const REFUSED_HEADER = 'Segment analytics is switched off by the user';

/**
 * Makes every later request of a loaded library fail before it is made:
 * its delivery strategy's config object is kept by the library (and, with
 * batching, by the module's batcher) and read on each request (see
 * `toLoadArguments`), and its `headers` function is called
 * first. So events the library still holds (being processed, waiting for a
 * retry, or in a batch) never reach the network once the user says no.
 *
 * @remarks
 * Standard delivery: `headers` throws an error named like the library's own
 * non-retryable one, inside the library's async send, so the event is
 * dropped, not retried or stored. Batching: the batcher also sends what it
 * holds from its own listener when the tab is hidden, where a thrown error
 * would be an uncaught exception of the page; there, `headers` returns a
 * header `fetch` refuses, so each request is a rejected promise the batcher
 * handles, and `maxRetries: 0` makes it drop the batch instead of retrying.
 */
export function cutOffLibrary(initOptions: Pick<InitOptions, 'integrations'>): void {
  const strategy = (initOptions.integrations?.['Segment.io'] as
    | { deliveryStrategy?: { strategy?: string; config?: Record<string, unknown> } }
    | undefined)?.deliveryStrategy;
  if (!strategy) return;
  strategy.config ??= {};
  if (strategy.strategy === 'batching') {
    strategy.config.maxRetries = 0;
    strategy.config.headers = () => ({ [REFUSED_HEADER]: 'yes' });
  } else {
    strategy.config.headers = () => {
      throw new AnalyticsSwitchedOff();
    };
  }
}
