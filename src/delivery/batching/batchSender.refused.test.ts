import { createBatchSender, PostBatch } from './batchSender';
import { browserScheduler } from '../../time/scheduler';
import { event, SentRequest, sender } from '../../__testUtils__/batchSenderKit';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('createBatchSender, refused as too large or rate-limited', () => {
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
    const requests: SentRequest[] = [];
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
    const sent = (r: SentRequest[]) => r.map(x => x.body.batch.map(e => e.messageId));
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

  it('events split after a 413 are not settled until their own smaller requests are answered (a page left meanwhile keeps them)', async () => {
    const held: Array<() => void> = [];
    let requests = 0;
    const post: PostBatch = () =>
      ++requests === 1 ? Promise.resolve({ status: 413 }) : new Promise(resolve => held.push(() => resolve({ status: 200 })));
    const batches = createBatchSender({ url: 'https://api.example/v1/b', writeKey: 'wk', config: { size: 4, timeout: 1000 }, scheduler: browserScheduler, post });
    const done: number[] = [];
    for (let i = 1; i <= 4; i++) void batches.add(event(i), { done: () => done.push(i) });
    await jest.advanceTimersByTimeAsync(0);
    expect(requests).toBe(2); // refused, then the first half on its way
    expect(done).toEqual([]);
    held.shift()!();
    await jest.advanceTimersByTimeAsync(0);
    expect(done).toEqual([1, 2]);
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

});
