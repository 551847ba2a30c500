/** Why the library's requests fail once the user has switched analytics off. */
export class AnalyticsSwitchedOff extends Error {
  constructor() {
    super('Segment analytics is switched off by the user');
    this.name = 'NonRetryableError';
  }
}

/**
 * Makes every later request of a loaded library fail before it is made
 * (with `batching`, the module's batcher is stopped as well: see
 * `sendBatchesOurselves`). The strategy's config object is kept by the
 * library and read on each request (see `toLoadArguments`), and its
 * `headers` function is called first: it throws an error named like the library's own
 * non-retryable one, inside the library's async send, so an event the library
 * still holds (being processed, or waiting for a retry) is dropped, not
 * retried or stored, and never reaches the network once the user says no.
 */
export function failEveryRequest(config: Record<string, unknown>): void {
  config.headers = () => {
    throw new AnalyticsSwitchedOff();
  };
}

