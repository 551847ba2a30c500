import { createBatchSender, PostBatch } from './batchSender';
import { browserScheduler } from '../../time/scheduler';
import { event, sender } from '../../__testUtils__/batchSenderKit';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('createBatchSender, the page hidden or offline', () => {
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

  it('a batch sent beside another while the page is hidden, answered 5xx, goes again later', async () => {
    const held: Array<() => void> = [];
    const statuses: number[] = [];
    const sent: string[][] = [];
    const post: PostBatch = (_url, init) => {
      sent.push(JSON.parse(String(init.body)).batch.map((e: { messageId: string }) => e.messageId));
      if (sent.length === 1) return new Promise(resolve => held.push(() => resolve({ status: 200 })));
      const status = sent.length === 2 ? 503 : 200;
      statuses.push(status);
      return sent.length === 2 ? new Promise(resolve => held.push(() => resolve({ status }))) : Promise.resolve({ status });
    };
    const batches = createBatchSender({ url: 'https://api.example/v1/b', writeKey: 'wk', config: { size: 2, timeout: 1000 }, scheduler: browserScheduler, post });
    void batches.add(event(1));
    void batches.add(event(2));
    await jest.advanceTimersByTimeAsync(0);
    void batches.add(event(3));
    batches.pageHidden(true);
    await jest.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([['m1', 'm2'], ['m3']]); // the second beside the first, still on its way
    held.shift()!(); // the first answered
    await jest.advanceTimersByTimeAsync(0);
    held.shift()!(); // then the second, 503
    await jest.advanceTimersByTimeAsync(5000);
    expect(sent).toEqual([['m1', 'm2'], ['m3'], ['m3']]);
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
