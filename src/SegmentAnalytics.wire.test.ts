import { SegmentAnalytics } from './SegmentAnalytics';
import { nextMillisecond } from './__testUtils__/fakeTime';
import { userIdentity, setupWireCollector } from './__testUtils__/wireTest';

// The real @segment/analytics-next, sending real HTTP to the embedded
// collector on a loopback port: nothing here is mocked.

const REF = 'user:default/jane.doe';

const wire = setupWireCollector('wire');
const { create } = wire;

const context = { routeRef: 'catalog', pluginId: 'catalog', extension: 'CatalogIndexPage' };

function navigate(analytics: SegmentAnalytics, path: string, title: string) {
  window.history.pushState({}, '', path);
  document.title = title;
  analytics.captureEvent({ action: 'navigate', subject: path, context });
}

describe('SegmentAnalytics on the wire', () => {
  it('identifies the user, then sends page and track calls attributed to them', async () => {
    const { analytics, waitFor, inSendOrder } = create({}, { identityApi: userIdentity(REF) });
    navigate(analytics, '/catalog', 'Catalog');
    analytics.captureEvent({ action: 'click', subject: 'Docs link', attributes: { to: '/docs' }, context });
    navigate(analytics, '/docs?q=1', 'Docs');

    const messages = await waitFor(m => m.length >= 4);
    expect(messages.map(m => m.type).sort()).toEqual(['identify', 'page', 'page', 'track']);
    // identify sent first, then the calls in the order captured
    const [identify, page1, click, page2] = inSendOrder(messages);

    expect(identify).toMatchObject({ type: 'identify', userId: REF });
    expect(page1).toMatchObject({
      type: 'page',
      userId: REF,
      properties: {
        subject: '/catalog',
        action: 'navigate',
        routeRef: 'catalog',
        pluginId: 'catalog',
        extensionId: 'CatalogIndexPage',
        category: 'CatalogIndexPage',
        path: '/catalog',
        url: 'http://localhost/catalog',
        title: 'Catalog',
      },
      context: { page: { path: '/catalog', url: 'http://localhost/catalog', title: 'Catalog' } },
    });
    expect(click).toMatchObject({
      type: 'track',
      event: 'click',
      userId: REF,
      properties: { subject: 'Docs link', attributes: { to: '/docs' } },
      context: { page: { path: '/catalog' } },
    });
    expect(page2).toMatchObject({
      properties: { path: '/docs', search: '?q=1', referrer: 'http://localhost/catalog' },
      context: { page: { referrer: 'http://localhost/catalog' } },
    });
  });

  it('with sha-256, sends the digest and never the plaintext entity ref', async () => {
    const { analytics, waitFor } = create({ userIdTransform: 'sha-256' }, { identityApi: userIdentity(REF) });
    navigate(analytics, '/catalog', 'Catalog');
    analytics.captureEvent({ action: 'click', subject: 'x', context });

    const messages = await waitFor(m => m.length >= 3);
    // printf 'user:default/jane.doe' | sha256sum
    const digest = 'd410da1ed71c25c5c8283dbe81f6dc56e3e447d51bed6a98dd4d17da7fc64311';
    expect(messages.every(m => m.userId === digest)).toBe(true);
    expect(JSON.stringify(messages)).not.toContain('jane.doe');
  });

  it('keeps the capture order and time of events that waited for a slow identity', async () => {
    const { analytics, waitFor, inSendOrder } = create({ identityTimeoutMs: 5000 }, { identityApi: userIdentity(REF, { delayMs: 600 }) });
    const capturedAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      nextMillisecond();
      capturedAt.push(Date.now());
      analytics.captureEvent({ action: 'click', subject: `c${i}`, context });
    }

    const messages = await waitFor(m => m.length >= 6);
    const tracks = inSendOrder(messages.filter(m => m.type === 'track'));
    expect(tracks.every(m => m.userId === REF)).toBe(true);
    // sent in the order captured, each with its own capture time (600 ms before it could be sent)
    expect(tracks.map(m => [m.properties.subject, Date.parse(m.timestamp)])).toEqual(capturedAt.map((at, i) => [`c${i}`, at]));
  });

  it("an event's timestamp is when captureEvent was called, however long reading the event takes", async () => {
    const { analytics, waitFor } = create({}, { identityApi: userIdentity(REF) });
    nextMillisecond();
    const calledAt = Date.now();
    // Reading this event moves the clock on by 50 ms (a large event on a busy page takes a while to read).
    const event = { action: 'click', subject: 'slow to read', context } as Record<string, unknown>;
    Object.defineProperty(event, 'attributes', {
      enumerable: true,
      get: () => {
        jest.setSystemTime(Date.now() + 50);
        return { big: true };
      },
    });
    analytics.captureEvent(event as never);
    const [click] = (await waitFor(m => m.some(x => x.type === 'track'))).filter(m => m.type === 'track');
    expect([click.properties.attributes, Date.parse(click.timestamp)]).toEqual([{ big: true }, calledAt]);
  });

  it("with agent.initialPageView, the start page and the app's first event are stamped with the moment of the call", async () => {
    window.history.replaceState({}, '', '/catalog');
    const { analytics, waitFor } = create({ agent: { initialPageView: true } }, { identityApi: userIdentity(REF) });
    nextMillisecond();
    // Reading the start page's title moves the clock on by 50 ms (a busy page).
    const title = Object.getOwnPropertyDescriptor(Document.prototype, 'title')!;
    let slow = true;
    Object.defineProperty(document, 'title', {
      configurable: true,
      get() {
        if (slow) jest.setSystemTime(Date.now() + 50);
        slow = false;
        return title.get!.call(this);
      },
      set: value => title.set!.call(document, value),
    });
    const calledAt = Date.now();
    try {
      analytics.captureEvent({ action: 'click', subject: 'first', context });
    } finally {
      delete (document as unknown as Record<string, unknown>).title;
    }
    const messages = await waitFor(m => m.some(x => x.type === 'track') && m.some(x => x.type === 'page'));
    expect(messages.filter(m => m.type !== 'identify').map(m => [m.type, Date.parse(m.timestamp)])).toEqual(
      expect.arrayContaining([
        ['page', calledAt],
        ['track', calledAt],
      ]),
    );
  });

  it('an identity later than its time-out (a user on the sign-in page): what waited goes anonymous, an event just before the user is known is theirs', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const { analytics, waitFor } = create({ identityTimeoutMs: 1000 }, { identityApi: userIdentity(REF, { delayMs: 60_000 }) });
    const start = Date.now();
    analytics.captureEvent({ action: 'click', subject: 'on the sign-in page', context });
    const first = await waitFor(m => m.some(x => x.properties?.subject === 'on the sign-in page'));
    expect(first.find(x => x.properties?.subject === 'on the sign-in page')!.userId ?? null).toBeNull();
    // Backstage captures `signIn` a moment before the identity answers.
    await jest.advanceTimersByTimeAsync(start + 59_900 - Date.now());
    expect(first.filter(x => x.type === 'identify')).toHaveLength(0);
    analytics.captureEvent({ action: 'signIn', subject: 'signing in', context });
    const messages = await waitFor(m => m.some(x => x.properties?.subject === 'signing in'));
    expect(messages.find(x => x.properties?.subject === 'signing in')).toMatchObject({ userId: REF });
    expect(messages.filter(x => x.type === 'identify')).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it('sends events anonymously, with one warning, when the transform fails', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const { analytics, waitFor } = create(
      {},
      {
        identityApi: userIdentity(REF),
        userIdTransform: async () => {
          throw new Error('vault unreachable');
        },
      },
    );
    analytics.captureEvent({ action: 'click', subject: 'a', context });
    analytics.captureEvent({ action: 'search', subject: 'b', context });

    const messages = await waitFor(m => m.length >= 2);
    expect(messages.map(m => m.type)).toEqual(['track', 'track']);
    expect(messages.every(m => (m.userId === null || m.userId === undefined) && typeof m.anonymousId === 'string')).toBe(true);
    expect(JSON.stringify(messages)).not.toContain('jane.doe');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('anonymously');
    warn.mockRestore();
  });

  it('a page hidden and shown again sends as before: keepalive only on what went out while it was being left', async () => {
    const realFetch = globalThis.fetch;
    const sent: Array<{ subject?: string; keepalive?: boolean }> = [];
    const spy = jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      if (String(input).endsWith('/t')) sent.push({ subject: JSON.parse(String(init?.body)).properties?.subject, keepalive: init?.keepalive });
      return realFetch(input, init);
    });
    const visibility = (state: 'hidden' | 'visible') => {
      Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    try {
      const { analytics, waitFor } = create({}, { identityApi: userIdentity(REF) });
      analytics.captureEvent({ action: 'click', subject: 'before', context });
      await waitFor(m => m.some(x => x.properties?.subject === 'before'));
      analytics.captureEvent({ action: 'click', subject: 'leaving', context });
      visibility('hidden'); // a tab switch: what is queued goes out at once, with keepalive
      visibility('visible');
      await jest.advanceTimersByTimeAsync(0); // the next task
      for (let i = 0; i < 5; i++) analytics.captureEvent({ action: 'click', subject: `after-${i}`, context });
      await waitFor(m => m.filter(x => String(x.properties?.subject).startsWith('after-')).length === 5);
      expect(sent.filter(r => r.subject === 'leaving').map(r => r.keepalive)).toEqual([true]);
      expect(sent.filter(r => String(r.subject).startsWith('after-')).map(r => r.keepalive)).toEqual([false, false, false, false, false]);
    } finally {
      delete (document as { visibilityState?: string }).visibilityState;
      spy.mockRestore();
    }
  });

  it('masks the IP and batches when asked to', async () => {
    const { analytics, waitFor } = create({ maskIP: true, batching: { size: 3, timeoutMs: 200 } });
    for (let i = 0; i < 3; i++) analytics.captureEvent({ action: 'click', subject: `b${i}`, context });
    const messages = await waitFor(m => m.length >= 3);
    expect(messages.every(m => m.context.ip === '0.0.0.0')).toBe(true);
    const requests = await wire.collector.requests();
    expect(requests.some(r => r.path === '/v1/b' && r.status === 200)).toBe(true);
  });
});
