import { createDeliveryFailureWatch } from './deliveryFailures';

/** A call's context as the library resolves it: its log, with an error entry when the attempt failed. */
const ctx = (error?: Error) => ({
  logs: () => (error ? [{ level: 'error', message: 'Error sending event', extras: error }] : [{ level: 'debug', message: 'Dispatching' }]),
});
const tls = new TypeError('Failed to fetch');
const refused = Object.assign(new Error('Non-retryable error: 400'), { name: 'NonRetryableError' });
const retryable = ctx(new Error('Retryable error: 503'));
const rateLimited = ctx(Object.assign(new Error('Rate limit exceeded: 429'), { name: 'RateLimitError' }));

describe('createDeliveryFailureWatch', () => {
  it.each<[string, ReturnType<typeof ctx>[], number]>([
    ['three failures in a row', [ctx(tls), ctx(tls), ctx(tls)], 1],
    ['many failures: still one warning', Array.from({ length: 50 }, () => ctx(refused)), 1],
    ['two failures', [ctx(tls), ctx(tls)], 0],
    ['failures broken by a success', [ctx(tls), ctx(tls), ctx(), ctx(tls), ctx(tls)], 0],
    ['only successes', [ctx(), ctx(), ctx(), ctx()], 0],
    ['contexts without a log', [{} as any, undefined as any, null as any], 0],
    ['answers to try again later (503, 429): an outage the retries cover', [retryable, rateLimited, retryable, rateLimited, retryable], 0],
    ['a rate limit (429) answered again and again: the library waits as asked', Array.from({ length: 5 }, () => rateLimited), 0],
    ['a try-again-later answer between failures neither counts nor resets', [ctx(tls), retryable, ctx(tls), ctx(tls)], 1],
    // delivery: backend: the relay has no cookie of the user's (gone before its refresh): retried, then given up
    ['the relay refusing the cookie (401, retried) three times in a row', Array.from({ length: 3 }, () => ctx(new Error('Retryable error: 401'))), 1],
    // delivery: backend: no relay route (a replica starting, retried; or the relay switched off) counts
    ['the relay answering 404 (retried) three times in a row', Array.from({ length: 3 }, () => ctx(new Error('Retryable error: 404'))), 1],
  ])('%s: %s warning(s)', (_, outcomes, warnings) => {
    const logger = { warn: jest.fn(), info: jest.fn() };
    const watch = createDeliveryFailureWatch('http://127.0.0.1:4010/v1', logger);
    for (const outcome of outcomes) watch.observe(outcome);
    expect(logger.warn).toHaveBeenCalledTimes(warnings);
  });

  it('names the endpoint and the error', () => {
    const logger = { warn: jest.fn(), info: jest.fn() };
    const watch = createDeliveryFailureWatch('https://127.0.0.1:4010/v1', logger);
    for (let i = 0; i < 3; i++) watch.observe(ctx(tls));
    expect(logger.warn.mock.calls[0][0]).toContain('https://127.0.0.1:4010/v1');
    expect(logger.warn.mock.calls[0][0]).toContain('Failed to fetch');
    expect(logger.warn.mock.calls[0][0]).toContain('check apiHost');
  });

  it("with delivery: backend, points at the backend's relay, not at apiHost and the write key the user does not set", () => {
    const logger = { warn: jest.fn(), info: jest.fn() };
    const watch = createDeliveryFailureWatch('https://app.example/api/segment-analytics/v1', logger, undefined, true);
    for (let i = 0; i < 3; i++) watch.observe(ctx(new Error('Retryable error: 401')));
    const [[warning]] = logger.warn.mock.calls;
    expect(warning).toContain('https://app.example/api/segment-analytics/v1');
    expect(warning).toContain('backstage-plugin-analytics-module-segment-backend');
    expect(warning).not.toMatch(/apiHost|write key/);
  });

  it('with delivery: backend, 401s answered while a new cookie is being fetched are not failures; one for each new cookie is', () => {
    const logger = { warn: jest.fn(), info: jest.fn() };
    let newCookie = true;
    const relayRefused = () => {
      const counts = newCookie;
      newCookie = false;
      return counts;
    };
    const watch = createDeliveryFailureWatch('https://app.example/api/segment-analytics/v1', logger, relayRefused, true);
    const refusedCall = () => ctx(new Error('Retryable error: 401'));
    for (let i = 0; i < 20; i++) watch.observe(refusedCall()); // a burst sent with the cookie that was cleared
    expect(logger.warn).not.toHaveBeenCalled();
    // Every new cookie refused as well (the relay cannot read them): the third says so.
    for (let cookie = 0; cookie < 2; cookie++) {
      newCookie = true;
      for (let i = 0; i < 5; i++) watch.observe(refusedCall());
    }
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toContain('a 401 is the relay finding no cookie');
    expect(logger.warn.mock.calls[0][0]).toContain('the app and the backend must be on one site');
  });

  it('tells the relay of every call answered 401, before and after its warning, and of nothing else', () => {
    const relayRefused = jest.fn();
    const watch = createDeliveryFailureWatch('https://app.example/api/segment-analytics/v1', { warn: jest.fn(), info: jest.fn() }, relayRefused);
    for (const outcome of [ctx(), retryable, ctx(tls), rateLimited]) watch.observe(outcome);
    expect(relayRefused).not.toHaveBeenCalled();
    for (let i = 0; i < 4; i++) watch.observe(ctx(new Error('Retryable error: 401')));
    expect(watch.done()).toBe(true);
    expect(relayRefused).toHaveBeenCalledTimes(4);
  });
});
