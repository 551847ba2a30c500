import { clickCall } from '../__testUtils__/deliveryTestKit';
import { readEnabled } from '../__testUtils__/configReading';
import { SegmentCall } from '../mapping/SegmentCall';
import { createPrivacy } from '../privacy/createPrivacy';
import { pageRedactionPlugin } from './pageRedactionPlugin';
import { loadSegmentTransport } from './segmentTransport';
import { probeLocalStorage } from './storageProbe';
import { Transport } from './Transport';
import { browserScheduler } from '../time/scheduler';

// A page being left runs no more timers once the next document commits: the
// calls handed over in `pagehide` or `beforeunload` must reach the network
// without one. The real library in jsdom, `fetch` recorded, timers faked
// once it has loaded (so that "before any timer" is exact).

const config = (more: object = {}) => readEnabled({ writeKey: 'leaving', cdnSettings: 'local', apiHost: 'http://127.0.0.1:9/v1', ...more });

const page = (): SegmentCall => {
  const { properties, page: info, timestamp } = clickCall('navigate');
  return { type: 'page', properties, page: info, timestamp };
};

type Posted = { url: string; keepalive?: boolean; body: Record<string, any> };
let posted: Posted[];

beforeEach(() => {
  localStorage.clear();
  posted = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => {
    posted.push({ url: String(url), keepalive: init?.keepalive, body: JSON.parse(String(init?.body)) });
    return new Response('{}', { status: 200 });
  });
});
afterEach(() => {
  delete (document as { visibilityState?: unknown }).visibilityState;
  jest.useRealTimers();
  jest.restoreAllMocks();
  localStorage.clear();
});

/** Loads the real transport on real timers, then fakes them. */
async function loaded(more: object = {}): Promise<Transport> {
  const logger = { warn: jest.fn(), info: jest.fn() };
  const transport = await loadSegmentTransport(config(more), {
    logger,
    scheduler: browserScheduler,
    insideLibrary: pageRedactionPlugin(createPrivacy().library),
    localStorage: probeLocalStorage(() => window.localStorage),
  });
  jest.useFakeTimers();
  return transport;
}

/** Lets every pending promise settle, running no timer (what a page left after this task still does). */
async function microtasksOnly() {
  for (let i = 0; i < 100; i++) await Promise.resolve();
}

/** A sent body without what differs between two sends of one call (their times). */
function withoutTimes(body: Record<string, any>) {
  const { sentAt, timestamp, ...rest } = body;
  return rest;
}

/** Sets the page's visibility and tells its listeners. */
function setVisibility(state: DocumentVisibilityState) {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** The messages sent for the click on `subject` (alone, or in batches). */
const sent = (subject: string) =>
  posted.flatMap(p => (p.body.batch ?? [p.body]).map((body: Record<string, any>) => ({ ...p, body }))).filter(p => p.body.properties?.subject === subject);

describe('calls handed over while the page is being left', () => {
  it('reach the network in the same task, with keepalive, as the library builds them, and once', async () => {
    const transport = await loaded();
    transport.leaving!(true);
    transport.send(page(), { userId: 'user:default/jane' });
    transport.send(clickCall('signIn'), { userId: 'user:default/jane' });
    transport.send(clickCall('deploy'), { userId: 'user:default/jane', messageId: 'kept-id' });
    await microtasksOnly();
    expect(posted.map(p => [p.url.slice(-4), p.body.type, p.body.properties.subject])).toEqual([
      ['v1/p', 'page', 'navigate'],
      ['v1/t', 'track', 'signIn'],
      ['v1/t', 'track', 'deploy'],
    ]);
    expect(posted.every(p => p.keepalive === true)).toBe(true);
    const [deploy] = sent('deploy');
    expect(deploy.body).toMatchObject({ messageId: 'kept-id', userId: 'user:default/jane', writeKey: 'leaving' });

    // The page stayed after all: the library's timer runs, and sends nothing twice.
    await jest.advanceTimersByTimeAsync(100);
    expect(sent('deploy')).toHaveLength(1);
    expect(posted).toHaveLength(3);

    // What went out is what the library sends its usual way (but for the ids and times of this one call).
    transport.send(clickCall('deploy'), { userId: 'user:default/jane', messageId: 'usual-id' });
    await jest.advanceTimersByTimeAsync(100);
    const [atOnce, usual] = sent('deploy').map(p => withoutTimes(p.body));
    expect(atOnce).toEqual({ ...usual, messageId: 'kept-id' });
  });

  it('go after the events the library had already prepared, which are sent at once too, in order, once', async () => {
    const transport = await loaded();
    transport.startSession('user:default/jane', new Date());
    transport.send(clickCall('first'), { userId: 'user:default/jane' });
    await microtasksOnly();
    expect(posted).toEqual([]); // enriched, waiting for the library's timer

    transport.leaving!(false); // hidden: the page may come back, or never run again
    transport.send(clickCall('last'), { userId: 'user:default/jane' });
    await microtasksOnly();
    expect(posted.map(p => p.body.type === 'identify' ? 'identify' : p.body.properties.subject)).toEqual(['identify', 'first', 'last']);
    expect(posted.every(p => p.keepalive === true)).toBe(true);

    await jest.advanceTimersByTimeAsync(100);
    expect(posted).toHaveLength(3);
  });

  it('otherwise wait for the library’s timer, as without this module (what made a fast navigation lose them)', async () => {
    const transport = await loaded();
    transport.send(clickCall('deploy'), { userId: 'user:default/jane' });
    await microtasksOnly();
    expect(posted).toEqual([]);
    await jest.advanceTimersByTimeAsync(100);
    expect(sent('deploy')).toHaveLength(1);
  });

  it('go the library’s usual way again once the page runs its next task (it stayed, or came back)', async () => {
    const transport = await loaded();
    transport.leaving!(false);
    await jest.advanceTimersByTimeAsync(0);
    transport.send(clickCall('later'), {});
    await microtasksOnly();
    expect(posted).toEqual([]);
    await jest.advanceTimersByTimeAsync(100);
    expect(sent('later')).toHaveLength(1);
  });

  it('are retried as usual when the request sent at once fails (the page stayed)', async () => {
    const transport = await loaded();
    const fetch = globalThis.fetch as jest.Mock;
    const answer = fetch.getMockImplementation()!;
    fetch.mockImplementationOnce(async () => {
      throw new TypeError('Failed to fetch');
    });
    transport.leaving!(false);
    transport.send(clickCall('deploy'), { userId: 'user:default/jane', messageId: 'kept-id' });
    await microtasksOnly();
    expect(fetch).toHaveBeenCalledTimes(1); // sent at once, and failed
    fetch.mockImplementation(answer);
    await jest.advanceTimersByTimeAsync(30000);
    expect(sent('deploy').map(p => p.body.messageId)).toEqual(['kept-id']);
  });

  it('with batching, on a hide the page survives, go the usual way: sent once, by the batcher', async () => {
    const transport = await loaded({ batching: { size: 20, timeoutMs: 1000 } });
    transport.leaving!(false);
    transport.send(clickCall('hidden'), { userId: 'user:default/jane' });
    await microtasksOnly();
    setVisibility('hidden'); // the batcher sends what it holds (and lets go of it)
    await microtasksOnly();
    setVisibility('visible');
    await jest.advanceTimersByTimeAsync(5000);
    expect(sent('hidden')).toHaveLength(1);
  });

  it('with batching, when the page is unloaded for good, in the batch the batcher sends then', async () => {
    const transport = await loaded({ batching: { size: 20, timeoutMs: 1000 } });
    transport.send(clickCall('prepared'), { userId: 'user:default/jane' });
    await microtasksOnly();
    transport.leaving!(true);
    transport.send(clickCall('unloaded'), { userId: 'user:default/jane' });
    await microtasksOnly();
    expect(posted).toEqual([]); // in the batcher's buffer
    window.dispatchEvent(new Event('pagehide')); // the batcher sends what it holds
    await microtasksOnly();
    expect(posted.map(p => p.url.slice(-5))).toEqual(['/v1/b']);
    expect(posted[0].body.batch.map((m: Record<string, any>) => m.properties.subject)).toEqual(['prepared', 'unloaded']);
  });
});
