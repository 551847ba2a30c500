import { event, sender } from '../../__testUtils__/batchSenderKit';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('createBatchSender', () => {
  it('sends batches of the size asked for, one request at a time, each body as the library sends it', async () => {
    const { batches, requests, ids } = sender();
    for (let i = 1; i <= 7; i++) void batches.add(event(i));
    await jest.advanceTimersByTimeAsync(0);
    expect(requests.map((_, i) => ids(i))).toEqual([
      ['m1', 'm2', 'm3'],
      ['m4', 'm5', 'm6'],
    ]);
    const [{ url, init, body }] = requests;
    expect(url).toBe('https://api.example/v1/b');
    expect(init).toMatchObject({ method: 'post', keepalive: false, headers: { 'Content-Type': 'text/plain', Authorization: `Basic ${btoa('wk:')}` } });
    expect(body.writeKey).toBe('wk');
    expect(body.batch[0]).toEqual(event(1));
    expect(new Date(body.sentAt).getTime()).toBe(Date.now());
    await jest.advanceTimersByTimeAsync(999);
    expect(requests).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(ids(2)).toEqual(['m7']);
  });

  it('serializes each event once, however many events a batch holds', async () => {
    const { batches, requests } = sender({ size: 100 });
    const stringify = jest.spyOn(JSON, 'stringify');
    for (let i = 0; i < 1000; i++) void batches.add(event(i));
    await jest.advanceTimersByTimeAsync(0);
    expect(requests).toHaveLength(10);
    expect(stringify.mock.calls.length).toBeLessThanOrEqual(1000 + 2 * 10);
  });

  it('a call that completes a batch settles once that request is answered; one that waits for more, at once', async () => {
    let answer!: () => void;
    const { batches } = sender({}, [], {
      post: () => new Promise(resolve => (answer = () => resolve({ status: 200 }))),
    });
    const settled: string[] = [];
    const add = (id: number) => batches.add(event(id)).then(() => settled.push(`m${id}`));
    add(1);
    add(2);
    add(3);
    await jest.advanceTimersByTimeAsync(0);
    expect(settled).toEqual(['m1', 'm2']);
    answer();
    await jest.advanceTimersByTimeAsync(0);
    expect(settled).toEqual(['m1', 'm2', 'm3']);
  });

  it('closes a batch before it would pass 450 KB', async () => {
    const { batches, requests } = sender({ size: 20 });
    const big = 'x'.repeat(100 * 1024);
    for (let i = 0; i < 6; i++) void batches.add(event(i, { properties: { big } }));
    await jest.advanceTimersByTimeAsync(1000);
    expect(requests.map(r => r.body.batch.length)).toEqual([4, 2]);
    expect(requests.every(r => String(r.init.body).length < 450 * 1024)).toBe(true);
  });

  it('retries a batch answered 5xx after a growing wait, with the same events and their retry count, before the next batch', async () => {
    const { batches, requests, ids } = sender({}, [503, 503]);
    const failures: unknown[] = [];
    const done: number[] = [];
    for (let i = 1; i <= 6; i++) void batches.add(event(i), { attempted: failure => failures.push(failure), done: () => done.push(i) });
    await jest.advanceTimersByTimeAsync(0);
    expect(requests).toHaveLength(1);
    expect(failures.slice(0, 3).map(f => (f as Error).message)).toEqual(Array(3).fill('Retryable error: 503'));
    expect(done).toEqual([]);
    await jest.advanceTimersByTimeAsync(499);
    expect(requests).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(999);
    expect(requests).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(requests.map((_, i) => ids(i))).toEqual([
      ['m1', 'm2', 'm3'],
      ['m1', 'm2', 'm3'],
      ['m1', 'm2', 'm3'],
      ['m4', 'm5', 'm6'],
    ]);
    expect(requests[2].body.batch[0]._metadata).toEqual({ bundled: ['Segment.io'], retryCount: 2 });
    expect(requests[2].init.headers).toMatchObject({ 'X-Retry-Count': '2' });
    expect(requests[3].body.batch[0]._metadata).toEqual({ bundled: ['Segment.io'] });
    // Told of each request's outcome; done once delivered.
    expect(failures.map(f => (f as Error | undefined)?.message)).toEqual([
      ...Array(6).fill('Retryable error: 503'),
      ...Array(6).fill(undefined),
    ]);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a request left without an answer is cancelled after 60 s and tried again; the batches behind it go then', async () => {
    const signals: Array<AbortSignal | null | undefined> = [];
    const failures: unknown[] = [];
    const { batches, requests, ids } = sender({}, [], {
      post: (url: string, init: RequestInit) => {
        requests.push({ url, init, body: JSON.parse(String(init.body)) });
        signals.push(init.signal);
        // The first request hangs for good (whatever its signal says); later ones are answered.
        return requests.length === 1 ? new Promise(() => {}) : Promise.resolve({ status: 200 });
      },
    });
    for (let i = 1; i <= 6; i++) void batches.add(event(i), { attempted: failure => failures.push(failure) });
    await jest.advanceTimersByTimeAsync(59_999);
    expect(requests.map((_, i) => ids(i))).toEqual([['m1', 'm2', 'm3']]);
    await jest.advanceTimersByTimeAsync(1);
    expect(signals[0]?.aborted).toBe(true);
    await jest.advanceTimersByTimeAsync(600); // the first retry's wait: 0.5 s
    expect(requests.map((_, i) => ids(i))).toEqual([['m1', 'm2', 'm3'], ['m1', 'm2', 'm3'], ['m4', 'm5', 'm6']]);
    expect(requests[1].init.headers).toMatchObject({ 'X-Retry-Count': '1' });
    expect(String(failures[0])).toMatch(/no answer within 60 s/);
  });

  it('drops a batch answered with another 4xx, and goes on with the next', async () => {
    const { batches, requests, ids } = sender({}, [400]);
    const failures: unknown[] = [];
    for (let i = 1; i <= 6; i++) void batches.add(event(i), { attempted: failure => failures.push(failure) });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(requests.map((_, i) => ids(i))).toEqual([
      ['m1', 'm2', 'm3'],
      ['m4', 'm5', 'm6'],
    ]);
    expect(failures[0]).toMatchObject({ name: 'NonRetryableError', message: 'Non-retryable error: 400' });
  });

  it("follows a 429's Retry-After, up to 300 s, without counting it as a try", async () => {
    const { batches, requests } = sender({ maxRetries: 0 }, [[429, '3'], [429, '100000']]);
    for (let i = 1; i <= 3; i++) void batches.add(event(i));
    await jest.advanceTimersByTimeAsync(2999);
    expect(requests).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(299_999);
    expect(requests).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(3);
  });

  it('gives up after `maxRetries` tries again (10; none once the user has said no)', async () => {
    const cutOff = sender({ maxRetries: 0 }, [new TypeError('Failed to fetch')]);
    for (let i = 1; i <= 3; i++) void cutOff.batches.add(event(i));
    await jest.advanceTimersByTimeAsync(600_000);
    expect(cutOff.requests).toHaveLength(1);

    const ten = sender({}, Array(20).fill(503));
    for (let i = 1; i <= 3; i++) void ten.batches.add(event(i));
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(ten.requests).toHaveLength(11);
  });

  it('retries a 401 when the relay asks for it (`delivery: backend`), and drops it otherwise', async () => {
    const relay = sender({}, [401], { statusOverrides: { '401': 'retry' } });
    const plain = sender({}, [401]);
    const failures: unknown[] = [];
    for (let i = 1; i <= 3; i++) {
      void relay.batches.add(event(i), { attempted: failure => failures.push(failure) });
      void plain.batches.add(event(i));
    }
    await jest.advanceTimersByTimeAsync(1000);
    expect(relay.requests).toHaveLength(2);
    expect(plain.requests).toHaveLength(1);
    expect((failures[0] as Error).message).toBe('Retryable error: 401');
  });

  it("reads the strategy's headers on each request: headers that throw fail the request, which is then dropped", async () => {
    const { batches, requests, config } = sender({ headers: () => ({ 'X-Custom': 'yes' }) });
    for (let i = 1; i <= 3; i++) void batches.add(event(i));
    await jest.advanceTimersByTimeAsync(0);
    expect(requests[0].init.headers).toMatchObject({ 'X-Custom': 'yes' });
    config.maxRetries = 0;
    config.headers = () => {
      throw new Error('switched off');
    };
    const failures: unknown[] = [];
    for (let i = 4; i <= 6; i++) void batches.add(event(i), { attempted: failure => failures.push(failure) });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(1);
    expect(failures).toHaveLength(3);
  });

  it('waits while the browser is offline, spending no try, and sends once it is back', async () => {
    let online = false;
    const { batches, requests } = sender({}, [], { online: () => online });
    for (let i = 1; i <= 3; i++) void batches.add(event(i));
    await jest.advanceTimersByTimeAsync(10_000);
    expect(requests).toHaveLength(0);
    online = true;
    await jest.advanceTimersByTimeAsync(1000);
    expect(requests).toHaveLength(1);
  });

});
