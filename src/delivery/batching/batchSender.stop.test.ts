import { event, sender } from '../../__testUtils__/batchSenderKit';

// Analytics switched off: the batcher sends nothing more, whatever it held.

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** Adds events, each told done into `done`; the calls' promises settle into `settled`. */
function adding(batches: ReturnType<typeof sender>['batches']) {
  const done: string[] = [];
  const settled: string[] = [];
  const add = (id: number) => void batches.add(event(id), { done: () => done.push(`m${id}`) }).then(() => settled.push(`m${id}`));
  return { done, settled, add };
}

describe('a stopped batcher', () => {
  it('drops what it buffered: no request, not when its time is up nor when the page is hidden; each call settles, done', async () => {
    const { batches, requests } = sender({ size: 5 });
    const { done, settled, add } = adding(batches);
    add(1);
    add(2);
    batches.stop();
    batches.pageHidden(true);
    await jest.advanceTimersByTimeAsync(5000);
    expect(requests).toHaveLength(0);
    expect(done).toEqual(['m1', 'm2']);
    expect(settled).toEqual(['m1', 'm2']);
  });

  it('drops a batch waiting for its retry, and what waits behind it', async () => {
    const { batches, requests } = sender({ size: 1 }, [503]);
    const { done, settled, add } = adding(batches);
    add(1); // refused: waits for its retry
    await jest.advanceTimersByTimeAsync(0);
    add(2); // behind it
    batches.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(1);
    expect(done.sort()).toEqual(['m1', 'm2']);
    expect(settled.sort()).toEqual(['m1', 'm2']);
  });

  it('does not retry the request in flight when it stopped, whatever its answer', async () => {
    let answer!: (status: number) => void;
    const posted: string[] = [];
    const { batches } = sender({ size: 1 }, [], {
      post: (_url: string, init: RequestInit) => {
        posted.push(String(init.body));
        return new Promise(resolve => (answer = status => resolve({ status })));
      },
    });
    const { done, settled, add } = adding(batches);
    add(1);
    await jest.advanceTimersByTimeAsync(0);
    batches.stop();
    answer(503);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(posted).toHaveLength(1);
    expect(done).toEqual(['m1']);
    expect(settled).toEqual(['m1']);
  });

  it('sends nothing added after it stopped, hidden page or not', async () => {
    const { batches, requests } = sender({ size: 1 });
    batches.stop();
    const { done, add } = adding(batches);
    add(1);
    batches.pageHidden(true);
    add(2);
    await jest.advanceTimersByTimeAsync(5000);
    expect(requests).toHaveLength(0);
    expect(done).toEqual(['m1', 'm2']);
  });
});
