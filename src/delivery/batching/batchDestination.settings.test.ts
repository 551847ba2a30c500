import { wallClockScheduler } from '../../__testUtils__/fakeTime';
import { BatchingSegmentIo, sendBatchesOurselves } from './batchDestination';

// Which settings the module's batcher sends with: those the library would have used (the init options' over
// the CDN's; the CDN's status overrides over the init options', code by code), on a library stand-in.

type Posted = { url: string; init: RequestInit };
let posted: Posted[];
let answers: number[];

beforeEach(() => {
  jest.useFakeTimers();
  posted = [];
  answers = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => {
    posted.push({ url: String(url), init: init! });
    return new Response('{}', { status: answers.shift() ?? 200 });
  });
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

/** A loaded library as far as the batcher looks at it, its CDN settings for Segment.io as given. */
function libraryWith(fromCdn: object) {
  const destination: Record<string, unknown> = { name: 'Segment.io', type: 'destination', track: async () => {} };
  const library = {
    queue: { plugins: [destination], failedInitializations: [] },
    settings: { cdnSettings: { integrations: { 'Segment.io': fromCdn } } },
    user: () => ({ id: () => 'u', anonymousId: () => 'anon' }),
  };
  const track = (messageId: string) =>
    void (destination.track as (ctx: object) => unknown)({ event: { type: 'track', event: 'click', messageId, properties: {} }, log: () => {} });
  return { library, track };
}

const segmentIo = (more: Partial<BatchingSegmentIo> = {}): BatchingSegmentIo => ({
  apiHost: 'proxy.example/v1',
  protocol: 'https',
  deliveryStrategy: { strategy: 'batching', config: { size: 1, timeout: 1000 } },
  ...more,
});

describe("the module's batcher sends with the library's settings", () => {
  it("to the configured host (not the CDN's), with the CDN settings' write key in the body", async () => {
    const { library, track } = libraryWith({ apiKey: 'wk-1', apiHost: 'api.segment.io/v1' });
    sendBatchesOurselves(library, segmentIo(), wallClockScheduler);
    track('m-1');
    await jest.advanceTimersByTimeAsync(1000);
    expect(posted.map(p => p.url)).toEqual(['https://proxy.example/v1/b']);
    const body = JSON.parse(String(posted[0].init.body));
    expect(body.writeKey).toBe('wk-1');
    expect(body.batch.map((e: { messageId: string; writeKey: string }) => [e.messageId, e.writeKey])).toEqual([['m-1', 'wk-1']]);
  });

  it('an apiHost with its scheme is used as it is; credentials as configured (the relay: its cookie)', async () => {
    const { library, track } = libraryWith({ apiKey: 'wk' });
    const relay = segmentIo({
      apiHost: 'http://127.0.0.1:7007/api/segment-analytics/v1',
      protocol: 'https',
      deliveryStrategy: { strategy: 'batching', config: { size: 1, timeout: 1000, credentials: 'include' } },
    });
    sendBatchesOurselves(library, relay, wallClockScheduler);
    track('m-1');
    await jest.advanceTimersByTimeAsync(1000);
    expect(posted.map(p => [p.url, p.init.credentials])).toEqual([['http://127.0.0.1:7007/api/segment-analytics/v1/b', 'include']]);
  });

  it("retries what the init options say to retry (the relay's 401), unless the CDN says otherwise for that code", async () => {
    const relayed = segmentIo({ httpConfig: { backoffConfig: { statusCodeOverrides: { '401': 'retry', '418': 'retry' } } } });
    const first = libraryWith({ apiKey: 'wk' });
    sendBatchesOurselves(first.library, relayed, wallClockScheduler);
    answers = [401];
    first.track('m-1');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(posted.map(p => JSON.parse(String(p.init.body)).batch[0].messageId)).toEqual(['m-1', 'm-1']);

    posted = [];
    const second = libraryWith({ apiKey: 'wk', httpConfig: { backoffConfig: { statusCodeOverrides: { '418': 'drop' } } } });
    sendBatchesOurselves(second.library, relayed, wallClockScheduler);
    answers = [418];
    second.track('m-2');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(posted).toHaveLength(1);
  });

  it('a 408 (the relay answers it when a body comes too slowly) is retried', async () => {
    const { library, track } = libraryWith({ apiKey: 'wk' });
    sendBatchesOurselves(library, segmentIo(), wallClockScheduler);
    answers = [408];
    track('m-1');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(posted).toHaveLength(2);
  });
});

describe("the module's batcher in the page", () => {
  it('tells which events it holds until each is delivered, and reads every answer (the browser counts a keepalive body until then)', async () => {
    const { library, track } = libraryWith({ apiKey: 'wk' });
    const held: string[] = [];
    const settled: string[] = [];
    sendBatchesOurselves(library, segmentIo({ deliveryStrategy: { strategy: 'batching', config: { size: 2, timeout: 1000 } } }), wallClockScheduler, {
      holding: id => held.push(id),
      settled: id => settled.push(id),
    });
    const read = jest.spyOn(Response.prototype, 'text');
    track('m-1');
    expect(held).toEqual(['m-1']);
    await jest.advanceTimersByTimeAsync(1000);
    expect(settled).toEqual(['m-1']);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('waits while the browser says it is offline, and sends once it is back', async () => {
    const { library, track } = libraryWith({ apiKey: 'wk' });
    sendBatchesOurselves(library, segmentIo(), wallClockScheduler);
    const onLine = jest.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    track('m-1');
    await jest.advanceTimersByTimeAsync(10_000);
    expect(posted).toEqual([]);
    onLine.mockReturnValue(true);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(posted).toHaveLength(1);
  });

  it.each<[string, () => void]>([
    ['hidden', () => {
      jest.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
      document.dispatchEvent(new Event('visibilitychange'));
    }],
    ['left', () => window.dispatchEvent(new Event('pagehide'))],
  ])('sends what it holds at once when the page is %s, with keepalive', async (_label, leave) => {
    const { library, track } = libraryWith({ apiKey: 'wk' });
    sendBatchesOurselves(library, segmentIo({ deliveryStrategy: { strategy: 'batching', config: { size: 10, timeout: 60_000 } } }), wallClockScheduler);
    track('m-1');
    await jest.advanceTimersByTimeAsync(0);
    expect(posted).toEqual([]);
    leave();
    await jest.advanceTimersByTimeAsync(0);
    expect(posted.map(p => p.init.keepalive)).toEqual([true]);
  });
});
