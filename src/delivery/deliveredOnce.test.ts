import { sendDeliveredOnce } from './deliveredOnce';
import { memoryStorage } from '../__testUtils__/deliveryTestKit';

const ITEMS = 'persisted-queue:v1:wk:dest-Segment.io:items';

/** A context as the library's: its logs (no failed delivery: one whose tries are used up gets no more turns). */
function context(messageId: string) {
  const logs: Array<{ level: string; message: string }> = [];
  return {
    event: { messageId },
    logs: () => logs,
    log: (level: string, message: string) => logs.push({ level, message }),
    failedDelivery: () => undefined,
  };
}
type Ctx = ReturnType<typeof context>;

/** The library's Segment.io destination: `answer` decides how each request of a context goes. */
function library(answer: (ctx: Ctx) => void = () => {}) {
  const requests: string[] = [];
  const send = async (ctx: Ctx) => {
    requests.push(ctx.event.messageId);
    answer(ctx);
    return ctx;
  };
  const destination = { name: 'Segment.io', type: 'destination', metadata: { writeKey: 'wk' }, track: send, page: send };
  return { analytics: { queue: { plugins: [destination] } }, destination, requests };
}


describe('sendDeliveredOnce', () => {
  it('a delivered event is not sent again by the page (the library put it back in its queue as the page went into the cache)', async () => {
    const lib = library();
    sendDeliveredOnce(lib.analytics, undefined);
    const ctx = context('m-1');
    await lib.destination.track(ctx);
    expect(await lib.destination.track(ctx)).toBe(ctx);
    expect(await lib.destination.page(context('m-2'))).toBeDefined();
    expect(lib.requests).toEqual(['m-1', 'm-2']);
  });

  it('the library logging something else meanwhile (its own turn for an event sent as the page went) is no failure', async () => {
    const lib = library(ctx => ctx.log('debug', 'plugin'));
    sendDeliveredOnce(lib.analytics, undefined);
    const ctx = context('m-1');
    await lib.destination.track(ctx);
    await lib.destination.track(ctx);
    expect(lib.requests).toEqual(['m-1']);
  });

  it.each<[string, boolean]>([
    ['logging only the failure', false],
    ['logging each attempt too', true],
  ])('a failed request (the library %s, and retrying): sent again on its next turn, then delivered, not sent a third time', async (_, logsEach) => {
    let failing = true;
    const lib = library(ctx => {
      if (logsEach) ctx.log('debug', 'Delivering event');
      if (failing) ctx.log('error', 'Error sending event');
    });
    sendDeliveredOnce(lib.analytics, undefined);
    const ctx = context('m-1');
    await lib.destination.track(ctx);
    failing = false;
    await lib.destination.track(ctx);
    await lib.destination.track(ctx);
    expect(lib.requests).toEqual(['m-1', 'm-1']);
  });

  it('offline (the library queues the event without a request): sent once back online', async () => {
    const lib = library();
    sendDeliveredOnce(lib.analytics, undefined);
    // Gone offline while kept in the back/forward cache: the page is shown again, with no 'offline' event.
    const onLine = jest.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    window.dispatchEvent(new Event('pageshow'));
    const ctx = context('m-1');
    await lib.destination.track(ctx);
    onLine.mockRestore();
    window.dispatchEvent(new Event('online'));
    await lib.destination.track(ctx);
    await lib.destination.track(ctx);
    expect(lib.requests).toEqual(['m-1', 'm-1']);
  });

  it("on each pagehide, after the library has persisted its queue, takes the delivered events out of it: the next load sends the others only", async () => {
    const storage = memoryStorage();
    const lib = library();
    sendDeliveredOnce(lib.analytics, storage);
    await lib.destination.track(context('delivered'));
    const persisted = [{ id: 'c1', event: { messageId: 'delivered' } }, { id: 'c2', event: { messageId: 'on its way' } }, null];
    storage.setItem(ITEMS, JSON.stringify(persisted));
    window.dispatchEvent(new Event('pagehide'));
    expect(JSON.parse(storage.getItem(ITEMS)!)).toEqual(persisted.slice(1));
    storage.setItem(ITEMS, JSON.stringify([persisted[0]]));
    window.dispatchEvent(new Event('pagehide'));
    expect(storage.getItem(ITEMS)).toBeNull();
    storage.setItem(ITEMS, 'not JSON');
    expect(() => window.dispatchEvent(new Event('pagehide'))).not.toThrow();
    expect(storage.getItem(ITEMS)).toBe('not JSON');
  });

  it('every event delivered before a pagehide is taken out of the persisted queue, not only the last ones', async () => {
    const storage = memoryStorage();
    const lib = library();
    sendDeliveredOnce(lib.analytics, storage);
    for (const id of ['d-1', 'd-2', 'd-3']) await lib.destination.track(context(id));
    const persisted = ['d-1', 'd-2', 'd-3', 'on its way'].map((messageId, i) => ({ id: `c${i}`, event: { messageId } }));
    storage.setItem(ITEMS, JSON.stringify(persisted));
    window.dispatchEvent(new Event('pagehide'));
    expect(JSON.parse(storage.getItem(ITEMS)!)).toEqual([persisted[3]]);
  });

  it('an event the persisted queue held as the page went, answered once it came back: taken out of it then (another tab opened meanwhile would send it)', async () => {
    const storage = memoryStorage();
    let answer!: () => void;
    const answered = new Promise<void>(resolve => (answer = resolve));
    const lib = library();
    const send = lib.destination.track;
    lib.destination.track = async (ctx: Ctx) => {
      await answered;
      return send(ctx);
    };
    sendDeliveredOnce(lib.analytics, storage);
    const onItsWay = lib.destination.track(context('on its way'));
    // The library persists it on pagehide, in flight; the page is kept in the cache, and comes back.
    const persisted = [{ id: 'c1', event: { messageId: 'on its way' } }, { id: 'c2', event: { messageId: 'other' } }];
    storage.setItem(ITEMS, JSON.stringify(persisted));
    window.dispatchEvent(new Event('pagehide'));
    expect(JSON.parse(storage.getItem(ITEMS)!)).toEqual(persisted);
    answer();
    await onItsWay;
    expect(JSON.parse(storage.getItem(ITEMS)!)).toEqual([persisted[1]]);
  });
});
