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
 * Standard delivery: makes every later request of a loaded library fail
 * before it is made. The strategy's config object is kept by the library and
 * read on each request (see `toLoadArguments`), and its `headers` function is
 * called first: it throws an error named like the library's own
 * non-retryable one, inside the library's async send, so an event the library
 * still holds (being processed, or waiting for a retry) is dropped, not
 * retried or stored, and never reaches the network once the user says no.
 */
export function failEveryRequest(config: Record<string, unknown>): void {
  config.headers = () => {
    throw new AnalyticsSwitchedOff();
  };
}

/**
 * Batching: the same for the module's batcher, which reads the strategy's
 * config on each request too. It also sends what it holds from its own
 * listener when the tab is hidden, where a thrown error would be an uncaught
 * exception of the page: `headers` returns a header `fetch` refuses, so each
 * request is a rejected promise the batcher handles, and `maxRetries: 0`
 * makes it drop the batch instead of retrying.
 */
export function refuseEveryBatch(config: Record<string, unknown>): void {
  config.maxRetries = 0;
  config.headers = () => ({ [REFUSED_HEADER]: 'yes' });
}
