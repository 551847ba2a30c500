import { createBatchSender, PostBatch } from './batchSender';
import type { BatchingConfig } from './batchRequest';
import { browserScheduler } from '../../time/scheduler';

type Request = { url: string; init: RequestInit; body: { writeKey: string; batch: Array<Record<string, any>>; sentAt: string } };

/** A sender over jest's fake timers; `answers` (status, or a thrown error) are used in turn, then 200. */
function sender(config: Partial<BatchingConfig> = {}, answers: Array<number | Error | [number, string]> = [], more = {}) {
  const requests: Request[] = [];
  const pending = [...answers];
  const post: PostBatch = async (url, init) => {
    requests.push({ url, init, body: JSON.parse(String(init.body)) });
    const answer = pending.shift() ?? 200;
    if (answer instanceof Error) throw answer;
    const [status, retryAfter] = Array.isArray(answer) ? answer : [answer, null];
    return { status, headers: { get: (name: string) => (name === 'Retry-After' ? retryAfter : null) } };
  };
  const batchConfig: BatchingConfig = { size: 3, timeout: 1000, ...config };
  const batches = createBatchSender({
    url: 'https://api.example/v1/b',
    writeKey: 'wk',
    config: batchConfig,
    scheduler: browserScheduler,
    post,
    random: () => 0.5,
    ...more,
  });
  return { batches, requests, config: batchConfig, ids: (i: number) => requests[i].body.batch.map(event => event.messageId) };
}

const event = (id: number, more: object = {}) => ({ type: 'track', event: 'e', messageId: `m${id}`, _metadata: { bundled: ['Segment.io'] }, ...more });

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

  it("reads the strategy's headers on each request: a header `fetch` refuses fails the request, which is then dropped", async () => {
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

  it('sends what it holds when the page is hidden, with keepalive as far as the 64 KB allowance goes, and what is added then in the next task', async () => {
    const { batches, requests } = sender({ size: 100 });
    const big = 'x'.repeat(20 * 1024);
    const carried: number[] = [];
    for (let i = 0; i < 5; i++) void batches.add(event(i, { properties: { big } }), { carried: () => carried.push(i) });
    batches.pageHidden(true);
    expect(carried).toEqual([0, 1]);
    expect(requests.map(r => [r.body.batch.length, r.init.keepalive])).toEqual([
      [2, true],
      [2, false],
      [1, false],
    ]);
    expect(requests.every(r => String(r.init.body).length < 60 * 1024)).toBe(true);
    await jest.advanceTimersByTimeAsync(0);
    // Handed over one by one (the library's own timer for each): they go together.
    void batches.add(event(10));
    await Promise.resolve();
    void batches.add(event(11));
    expect(requests).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(0);
    expect(requests[3].body.batch.map(e => e.messageId)).toEqual(['m10', 'm11']);
    expect(requests[3].init.keepalive).toBe(true);
    // Nothing is sent twice: no timer sends them again.
    await jest.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(4);
    batches.pageHidden(false);
    void batches.add(event(12));
    await jest.advanceTimersByTimeAsync(0);
    expect(requests).toHaveLength(4);
  });

  it("a batch waiting for its retry keeps its wait (a 429's Retry-After) when the page is hidden; events added then wait behind it", async () => {
    const { batches, requests, ids } = sender({}, [[429, '20'], 200, 200]);
    for (let i = 1; i <= 3; i++) void batches.add(event(i));
    await jest.advanceTimersByTimeAsync(0);
    batches.pageHidden(true);
    for (let i = 4; i <= 8; i++) {
      void batches.add(event(i));
      await jest.advanceTimersByTimeAsync(300);
    }
    // The waiting batch was not sent again before its 20 s, and what was added waits behind it.
    await jest.advanceTimersByTimeAsync(20_000 - 1500 - 1);
    expect(requests).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(ids(1)).toEqual(['m1', 'm2', 'm3']);
    await jest.advanceTimersByTimeAsync(0);
    expect(requests.slice(2).flatMap((_, i) => ids(i + 2))).toEqual(['m4', 'm5', 'm6', 'm7', 'm8']);
  });

  it('a batch waiting for its retry while the browser is offline waits on, spending no try, and goes once it is back', async () => {
    let online = true;
    const done: number[] = [];
    const { batches, requests: sent } = sender({ size: 1 }, [500, ...Array(20).fill(new Error('Failed to fetch'))], { online: () => online });
    void batches.add(event(1), { done: () => done.push(1) });
    await jest.advanceTimersByTimeAsync(0);
    online = false;
    await jest.advanceTimersByTimeAsync(600_000);
    expect(sent).toHaveLength(1);
    online = true;
    await jest.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(2);
    expect(sent[1].init.headers).toMatchObject({ 'X-Retry-Count': '1' });
    expect(done).toEqual([]);
  });

  it('a keepalive request the browser refuses goes again at once without keepalive, as the same try', async () => {
    const inits: RequestInit[] = [];
    const post: PostBatch = async (_url, init) => {
      inits.push(init);
      if (init.keepalive) throw new TypeError('Failed to fetch');
      return { status: 200 };
    };
    const { batches } = sender({ size: 100 }, [], { post });
    const done: number[] = [];
    void batches.add(event(1), { done: () => done.push(1) });
    batches.pageHidden(true);
    await jest.advanceTimersByTimeAsync(0);
    expect(inits.map(init => init.keepalive)).toEqual([true, false]);
    expect(inits[1].headers).not.toHaveProperty('X-Retry-Count');
    expect(done).toEqual([1]);
  });

  it('a batch that keeps failing is given up after its tries, however often the tab is hidden and shown meanwhile', async () => {
    const { batches, requests } = sender({ size: 1 }, Array(1000).fill(503));
    const done: number[] = [];
    void batches.add(event(1), { done: () => done.push(1) });
    for (let minute = 0; minute < 60; minute++) {
      await jest.advanceTimersByTimeAsync(30_000);
      batches.pageHidden(true);
      batches.pageHidden(false);
      await jest.advanceTimersByTimeAsync(30_000);
    }
    expect(requests).toHaveLength(11);
    expect(done).toEqual([1]);
  });

  it("a 429's Retry-After is followed 10 times, then the batch is dropped", async () => {
    const { batches, requests } = sender({ size: 1 }, Array(100).fill([429, '1']));
    const done: number[] = [];
    void batches.add(event(1), { done: () => done.push(1) });
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(requests).toHaveLength(11);
    expect(done).toEqual([1]);
  });

  it('sends a batch refused as too large (413, a proxy) again in smaller requests, and keeps them smaller; one event alone so is dropped', async () => {
    // The proxy takes bodies up to 3 KB: a batch of 4 events of about 1 KB is too large.
    const requests: Request[] = [];
    const post: PostBatch = async (url, init) => {
      requests.push({ url, init, body: JSON.parse(String(init.body)) });
      return { status: String(init.body).length > 3 * 1024 ? 413 : 200 };
    };
    const batches = createBatchSender({ url: 'https://api.example/v1/b', writeKey: 'wk', config: { size: 4, timeout: 1000 }, scheduler: browserScheduler, post });
    const done: string[] = [];
    const failures: unknown[] = [];
    const add = (i: number, bytes = 1000) =>
      void batches.add(event(i, { properties: { text: 'x'.repeat(bytes) } }), { done: () => done.push(`m${i}`), attempted: f => f && failures.push(f) });
    for (let i = 1; i <= 8; i++) add(i);
    await jest.advanceTimersByTimeAsync(0);
    const sent = (r: Request[]) => r.map(x => x.body.batch.map(e => e.messageId));
    expect(sent(requests)).toEqual([
      ['m1', 'm2', 'm3', 'm4'],
      ['m1', 'm2'],
      ['m3', 'm4'],
      ['m5', 'm6'],
      ['m7', 'm8'],
    ]);
    expect(done.sort()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'].sort());
    // One event larger than the proxy takes: refused alone, dropped as any 4xx (and told so).
    add(9, 4000);
    await jest.advanceTimersByTimeAsync(1000);
    expect(sent(requests.slice(5))).toEqual([['m9']]);
    expect(done).toContain('m9');
    expect(failures.at(-1)).toMatchObject({ name: 'NonRetryableError', message: 'Non-retryable error: 413' });
  });

  it('events split after a 413 are not told of a failure (no warning for events that still go), and the smaller size never grows again', async () => {
    // The proxy takes bodies up to 15 KB; two requests of 6 and 4 events of 10 KB go at once (the page hidden), both refused.
    const answers: Array<() => void> = [];
    const sizes: number[] = [];
    let hold = true;
    const post: PostBatch = (_url, init) => {
      const bytes = String(init.body).length;
      sizes.push(bytes);
      const status = bytes > 15_000 ? 413 : 200;
      return hold ? new Promise(resolve => answers.push(() => resolve({ status }))) : Promise.resolve({ status });
    };
    const batches = createBatchSender({ url: 'https://api.example/v1/b', writeKey: 'wk', config: { size: 100, timeout: 1000 }, scheduler: browserScheduler, post });
    const failures: unknown[] = [];
    const done: number[] = [];
    for (let i = 1; i <= 10; i++) {
      void batches.add(event(i, { properties: { text: 'x'.repeat(10_000) } }), { attempted: f => f && failures.push(f), done: () => done.push(i) });
    }
    batches.pageHidden(true);
    await jest.advanceTimersByTimeAsync(0);
    expect(sizes).toHaveLength(2);
    hold = false;
    answers[1](); // the smaller request's 413 first
    await jest.advanceTimersByTimeAsync(0);
    answers[0](); // then the larger one's
    await jest.advanceTimersByTimeAsync(1000);
    expect(sizes.slice(2).filter(bytes => bytes > 15_000).length).toBeLessThanOrEqual(1);
    expect(sizes.slice(3).every(bytes => bytes <= 15_000)).toBe(true);
    expect(done.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(failures).toEqual([]);
  });

  it('a batch refused as too large while the page is hidden goes again at once in smaller requests', async () => {
    const { batches, requests, ids } = sender({ size: 4 }, [413]);
    for (let i = 1; i <= 4; i++) void batches.add(event(i));
    batches.pageHidden(true);
    await jest.advanceTimersByTimeAsync(0);
    expect(requests.map((_, i) => ids(i))).toEqual([
      ['m1', 'm2', 'm3', 'm4'],
      ['m1', 'm2'],
      ['m3', 'm4'],
    ]);
  });

  it("a 429 asking for no wait, or a short one, again and again: the growing wait when it is longer, so the 10 tries span minutes", async () => {
    for (const retryAfter of ['0', '1']) {
      const { batches, requests } = sender({ size: 1 }, Array(100).fill([429, retryAfter]));
      void batches.add(event(1));
      await jest.advanceTimersByTimeAsync(60_000);
      expect(requests.length).toBeLessThan(10);
      await jest.advanceTimersByTimeAsync(3_600_000);
      expect(requests).toHaveLength(11);
    }
  });

  it("the page's keepalive allowance is shared by every batcher of the page (two write keys)", async () => {
    const keepalives = { inFlight: 0 };
    const inits: RequestInit[] = [];
    const answers: Array<() => void> = [];
    const post: PostBatch = (_url, init) => {
      inits.push(init);
      return new Promise(resolve => answers.push(() => resolve({ status: 200 })));
    };
    const make = () => createBatchSender({ url: 'u', writeKey: 'wk', config: { size: 100, timeout: 1000 }, scheduler: browserScheduler, post, keepalives });
    const [one, other] = [make(), make()];
    const big = 'x'.repeat(40 * 1024);
    void one.add(event(1, { properties: { big } }));
    void other.add(event(2, { properties: { big } }));
    one.pageHidden(true);
    other.pageHidden(true);
    expect(inits.map(init => init.keepalive)).toEqual([true, false]);
    answers.forEach(answer => answer());
    await jest.advanceTimersByTimeAsync(0);
    expect(keepalives.inFlight).toBe(0);
  });
});
