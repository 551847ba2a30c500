import { clickCall } from '../../__testUtils__/deliveryTestKit';
import { readEnabled } from '../../__testUtils__/configReading';
import { createPrivacy } from '../../privacy/createPrivacy';
import { pageRedactionPlugin } from '../pageRedactionPlugin';
import { loadSegmentTransport } from '../segmentTransport';
import { probeLocalStorage } from '../storageProbe';
import { browserScheduler } from '../../time/scheduler';

// With batching, the module's batcher tells the delivery warning about each
// request as it is answered. The real library in jsdom, `fetch` answered by
// the test, timers faked once the library has loaded.

let answers: Array<'refused' | number>;
let requests: number;

beforeEach(() => {
  localStorage.clear();
  requests = 0;
  jest.spyOn(globalThis, 'fetch').mockImplementation(async () => {
    requests++;
    const answer = answers.shift() ?? 200;
    if (answer === 'refused') throw new TypeError('Failed to fetch');
    return new Response('{}', { status: answer });
  });
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
  localStorage.clear();
});

async function batching() {
  const logger = { warn: jest.fn(), info: jest.fn() };
  const config = readEnabled({ writeKey: 'wk', cdnSettings: 'local', apiHost: 'http://127.0.0.1:9/v1', batching: { size: 3, timeoutMs: 5000 } });
  const transport = await loadSegmentTransport(config, {
    logger,
    scheduler: browserScheduler,
    insideLibrary: pageRedactionPlugin(createPrivacy().library),
    localStorage: probeLocalStorage(() => window.localStorage),
  });
  jest.useFakeTimers();
  const warnings = () => logger.warn.mock.calls.map(call => String(call[0])).filter(text => text.includes('cannot be delivered'));
  const click = (subject: string) => transport.send(clickCall(subject), { userId: 'user:default/jane' });
  return { warnings, click, transport };
}

describe('the delivery warning with batching', () => {
  it('is given once a batch keeps getting no answer for seconds (its fifth request), however long the batch timeout', async () => {
    answers = Array(50).fill('refused');
    const { warnings, click } = await batching();
    for (const subject of ['a', 'b', 'c']) click(subject);
    await jest.advanceTimersByTimeAsync(4000); // the first request, its retries after 0.5, 1 and 2 s
    expect(requests).toBe(4);
    expect(warnings()).toEqual([]);
    await jest.advanceTimersByTimeAsync(5000); // and after 4 s more (each wait spread by a tenth either way: by 8.25 s at most)
    expect(requests).toBe(5);
    expect(warnings()).toEqual([expect.stringContaining('http://127.0.0.1:9/v1')]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(warnings()).toHaveLength(1);
  });

  it.each([404, 400, 403])('is given when batches are dropped for good, each answered %i once (a wrong apiHost path, say): three in a row', async status => {
    answers = Array(50).fill(status);
    const { warnings, click } = await batching();
    for (let i = 0; i < 6; i++) click(`e${i}`);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(warnings()).toEqual([]);
    for (let i = 6; i < 9; i++) click(`e${i}`);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(warnings()).toEqual([expect.stringContaining(`error: ${status}`)]);
  });

  it('is not given for an outage of a few seconds that one batch rides out (three failed requests, then through)', async () => {
    answers = ['refused', 'refused', 'refused'];
    const { warnings, click } = await batching();
    for (const subject of ['a', 'b', 'c']) click(subject);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(requests).toBe(4);
    expect(warnings()).toEqual([]);
  });

  it('is not given when a request fails once and its retry gets through, however many events it carried', async () => {
    answers = ['refused'];
    const { warnings, click } = await batching();
    for (let i = 0; i < 9; i++) click(`e${i}`);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(requests).toBe(4); // the first batch twice, then the other two
    answers = ['refused'];
    for (let i = 0; i < 3; i++) click(`f${i}`);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(warnings()).toEqual([]);
  });
});

describe('switched off with batching', () => {
  it('the events the batcher holds are not sent: not when their time is up, nor when the page is hidden or left', async () => {
    const { click, transport, warnings } = await batching();
    click('a');
    click('b');
    await jest.advanceTimersByTimeAsync(0);
    transport.stop!();
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('pagehide'));
    click('c');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(requests).toBe(0);
    expect(warnings()).toEqual([]);
  });
});
