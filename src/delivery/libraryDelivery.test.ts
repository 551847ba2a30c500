import { clickCall } from '../__testUtils__/deliveryTestKit';
import { loadPageTransport } from '../__testUtils__/transportKit';

// Standard delivery (a request per event) with the real library in jsdom, `fetch` answered by the test: a page
// kept in the back/forward cache with a request on its way, and the next load of the app.

/** The requests' bodies, in order; a request for `held` waits for `answer()`. */
function network(held: string) {
  const posted: Array<Record<string, any>> = [];
  let answer!: () => void;
  const answered = new Promise<void>(resolve => (answer = resolve));
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
    const body = JSON.parse(String(init?.body));
    posted.push(body);
    if (body.properties?.subject === held) await answered;
    return new Response('{}', { status: 200 });
  });
  return { posted, answer };
}


/** A `pagehide` or `pageshow` of a page the back/forward cache keeps. */
function cached(type: 'pagehide' | 'pageshow'): Event {
  const event = new Event(type);
  Object.defineProperty(event, 'persisted', { value: true });
  return event;
}

beforeEach(() => {
  jest.useFakeTimers();
  localStorage.clear();
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
  localStorage.clear();
});

describe('standard delivery, a page kept in the back/forward cache with a request on its way', () => {
  it('answered once the page is back: the next load of the app does not send that event again', async () => {
    const { posted, answer } = network('on its way');
    const page = await loadPageTransport('standard');
    page.startSession('user:default/jane', new Date());
    void page.send(clickCall('on its way'), { userId: 'user:default/jane' });
    await jest.advanceTimersByTimeAsync(100);
    const sent = () => posted.filter(p => p.properties?.subject === 'on its way');
    expect(sent()).toHaveLength(1);
    // The library persists the event it has in flight for the next load; the page comes back and its request is answered.
    window.dispatchEvent(cached('pagehide'));
    window.dispatchEvent(cached('pageshow'));
    answer();
    await jest.advanceTimersByTimeAsync(100);
    const nextLoad = await loadPageTransport('standard');
    nextLoad.startSession('user:default/jane', new Date());
    void nextLoad.send(clickCall('next load'), { userId: 'user:default/jane' });
    await jest.advanceTimersByTimeAsync(5000);
    expect(posted.some(p => p.properties?.subject === 'next load')).toBe(true);
    expect(sent()).toHaveLength(1);
  });
});
