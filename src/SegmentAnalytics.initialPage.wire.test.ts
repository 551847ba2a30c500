import { userIdentity, setupWireCollector } from './__testUtils__/wireTest';

// `agent.initialPageView` with the real @segment/analytics-next sending real HTTP to the embedded
// collector on a loopback port: the page the app starts on is a page call like the module's others.

const context = { routeRef: 'catalog', pluginId: 'catalog', extension: 'CatalogIndexPage' };
const wire = setupWireCollector('initialpage');

afterEach(() => window.history.replaceState({}, '', '/'));

describe('agent.initialPageView on the wire', () => {
  it("the start page goes after identify, as this session's user, not under the anonymous id of the browser's previous user", async () => {
    // The browser was last used by Bob (the library's stored identity).
    localStorage.setItem('ajs_user_id', JSON.stringify('user:default/bob'));
    localStorage.setItem('ajs_anonymous_id', JSON.stringify('bobs-anonymous-id'));
    window.history.replaceState({}, '', '/catalog?filter=owned#top');
    const { analytics, waitFor, inSendOrder } = wire.create(
      { agent: { initialPageView: true } },
      { identityApi: userIdentity('user:default/jane', { delayMs: 300 }) },
    );
    analytics.captureEvent({ action: 'click', subject: 'x', context });

    const messages = inSendOrder(await waitFor(m => m.length >= 3));
    expect(messages.map(m => [m.type, m.userId])).toEqual([
      ['identify', 'user:default/jane'],
      ['page', 'user:default/jane'],
      ['track', 'user:default/jane'],
    ]);
    const [, start] = messages;
    expect(start.properties).toMatchObject({ action: 'navigate', subject: '/catalog?filter=owned#top', path: '/catalog' });
    expect(start.context.page).toMatchObject({ path: '/catalog', search: '?filter=owned' });
    expect(messages.map(m => m.anonymousId)).not.toContain('bobs-anonymous-id');
  });

  it.each([
    ['/backstage/catalog', '/catalog?x=1'],
    ['/backstage', '/?x=1'],
    ['/backstage-docs/catalog', '/backstage-docs/catalog?x=1'],
    // react-router matches the base path whatever its case
    ['/BackStage/catalog', '/catalog?x=1'],
  ])('an app served under /backstage, started on %s: the subject is the path within the app (%s), as Backstage reports it', async (path, subject) => {
    window.history.replaceState({}, '', `${path}?x=1`);
    const { analytics, waitFor } = wire.create(
      { agent: { initialPageView: true } },
      { identityApi: userIdentity('user:default/jane') },
      { baseUrl: 'http://example.test/backstage/' },
    );
    analytics.captureEvent({ action: 'click', subject: 'x', context });

    // Each call is a request of its own (they may arrive in any order): wait for the page call too.
    const [start] = (await waitFor(m => m.some(c => c.type === 'track') && m.some(c => c.type === 'page'))).filter(m => m.type === 'page');
    expect(start.properties).toMatchObject({ action: 'navigate', subject, path });
  });

  it('built on the sign-in page, long before the user signs in: the start page waits for the first event, then for the identity', async () => {
    window.history.replaceState({}, '', '/catalog');
    const { analytics, waitFor, inSendOrder } = wire.create(
      { agent: { initialPageView: true } }, // identityTimeoutMs: 5000
      { identityApi: userIdentity('user:default/jane', { delayMs: 8000 }) },
    );
    await jest.advanceTimersByTimeAsync(7000); // signing in: no event yet
    analytics.captureEvent({ action: 'click', subject: 'first', context });

    const messages = inSendOrder(await waitFor(m => m.length >= 3));
    expect(messages.map(m => [m.type, m.userId])).toEqual([
      ['identify', 'user:default/jane'],
      ['page', 'user:default/jane'],
      ['track', 'user:default/jane'],
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['excluded by path', { exclude: [{ subject: '/^\\/admin\\//' }] }],
    ['excluded as a navigate', { exclude: [{ action: 'navigate' }] }],
    ['not included', { include: [{ action: 'search' }] }],
  ])('meets events rules: %s, it is not sent', async (_label, events) => {
    window.history.replaceState({}, '', '/admin/secret-project');
    const { analytics, waitFor, inSendOrder } = wire.create({ agent: { initialPageView: true }, events }, { identityApi: userIdentity('user:default/jane') });
    analytics.captureEvent({ action: 'search', subject: 'after', context });

    // Each call is a request of its own (they may arrive in any order): wait for the identify too.
    const messages = inSendOrder(await waitFor(m => m.some(x => x.type === 'track') && m.some(x => x.type === 'identify')));
    // No page call: the start page met the rules as a navigate of the app's root.
    expect(messages.map(m => m.type)).toEqual(['identify', 'track']);
  });
});
