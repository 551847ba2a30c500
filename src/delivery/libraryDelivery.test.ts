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

describe('standard delivery, what the library holds when the page is frozen with no pagehide (it may be discarded)', () => {
  /** Every request answered with `status()` at the time. */
  function answering(status: () => number) {
    const posted: Array<Record<string, any>> = [];
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
      posted.push(JSON.parse(String(init?.body)));
      return new Response('{}', { status: status() });
    });
    return posted;
  }
  const subjects = (calls: Array<{ call: { properties?: Record<string, unknown> } }>) => calls.map(c => c.call.properties?.subject);

  it('the calls its retries hold during an outage are given to store, with the messageIds they went out with; none once delivered', async () => {
    let status = 503;
    const posted = answering(() => status);
    const page = await loadPageTransport('frozen');
    page.startSession('user:default/jane', new Date());
    for (const subject of ['first', 'second']) void page.send(clickCall(subject), { userId: 'user:default/jane' });
    await jest.advanceTimersByTimeAsync(1000);
    const tried = [...new Set(posted.filter(p => p.type === 'track').map(p => p.messageId))];
    expect(tried).toHaveLength(2);
    const held = page.heldInMemory!(true);
    expect(subjects(held)).toEqual(['first', 'second']);
    expect(held.map(c => c.messageId)).toEqual(tried);
    // On pagehide the library persists them itself: nothing to store twice.
    expect(page.heldInMemory!(false)).toEqual([]);
    status = 200;
    await jest.advanceTimersByTimeAsync(30_000);
    expect(new Set(posted.filter(p => p.type === 'track' && p.messageId).map(p => p.messageId)).size).toBe(2);
    expect(page.heldInMemory!(true)).toEqual([]);
  });

  it('handed over and not yet sent (the library runs its pipeline on timers the freeze stops): given to store', async () => {
    answering(() => 200);
    const page = await loadPageTransport('frozen');
    page.startSession('user:default/jane', new Date());
    await jest.advanceTimersByTimeAsync(200);
    void page.send(clickCall('just handed over'), { userId: 'user:default/jane' });
    expect(subjects(page.heldInMemory!(true))).toEqual(['just handed over']);
    await jest.advanceTimersByTimeAsync(200);
    expect(page.heldInMemory!(true)).toEqual([]);
  });

  it('a call the library gives up on (a 400) is not stored for the next load', async () => {
    const posted = answering(() => 400);
    const page = await loadPageTransport('frozen');
    page.startSession('user:default/jane', new Date());
    void page.send(clickCall('refused'), { userId: 'user:default/jane' });
    await jest.advanceTimersByTimeAsync(1000);
    expect(posted.some(p => p.properties?.subject === 'refused')).toBe(true);
    expect(page.heldInMemory!(true)).toEqual([]);
  });
});
