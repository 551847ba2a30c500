import { userIdentity, setupWireCollector } from './__testUtils__/wireTest';

// Privacy promises that must hold for every spelling, against the real
// @segment/analytics-next sending real HTTP to the embedded collector.

const REF = 'user:default/jane.doe';
// Verified in a shell: printf 'user:default/jane.doe' | sha256sum
const JANE_SHA256 = 'd410da1ed71c25c5c8283dbe81f6dc56e3e447d51bed6a98dd4d17da7fc64311';
// Verified in a shell: printf 'user:default/bob' | sha256sum
const BOB_SHA256 = '0d5a6227b250f8ab56e57fae713f3c717f6ca569337f94bbcac2995797eb7e95';
/** The user's ref in any spelling: with or without kind, any case, percent-encoded once or more. */
const JANE_ANYHOW = /jane[.]doe|jane%2edoe|default(\/|%2f|%252f)jane/i;
const R = '[redacted]';

const wire = setupWireCollector('leaks');
const context = { routeRef: 'catalog:entity', pluginId: 'catalog', extension: 'CatalogEntityPage' };

afterEach(() => {
  document.cookie = 'ajs_user=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
});

describe('privacy promises on the wire', () => {
  it.each<[string, () => void]>([
    [
      'in localStorage, by another analytics.js on this origin',
      () => {
        localStorage.setItem('ajs_user_traits', JSON.stringify({ email: 'jane.doe@example.com', ref: REF }));
        localStorage.setItem('ajs_group_properties', JSON.stringify({ name: 'secret-team', plan: 'gold' }));
      },
    ],
    [
      'in the cookie of an older analytics.js',
      () => {
        const legacy = { id: 'legacy-id', traits: { phone: '555-0100', ref: REF } };
        document.cookie = `ajs_user=${encodeURIComponent(JSON.stringify(legacy))}; path=/`;
      },
    ],
  ])('traits stored %s never go out: not with identify, group or any other call', async (_where, store) => {
    store();
    const identityApi = userIdentity(REF, { ownershipEntityRefs: [REF, 'group:default/team-a'] });
    const { analytics, waitFor } = wire.create({ userIdTransform: 'sha-256', groups: true }, { identityApi });
    analytics.captureEvent({ action: 'click', subject: 'Docs', context });

    const messages = await waitFor(m => ['identify', 'group', 'track'].every(t => m.some(x => x.type === t)));
    const identify = messages.find(m => m.type === 'identify')!;
    expect([identify.userId, identify.traits, identify.context.traits]).toEqual([JANE_SHA256, {}, undefined]);
    expect(messages.find(m => m.type === 'group')!.traits).toEqual({});
    const sent = JSON.stringify(messages);
    expect(sent).not.toMatch(/example\.com|555-0100|secret-team|gold/);
    expect(sent).not.toMatch(JANE_ANYHOW);
  });

  it("with sha-256, the user's own profile page names them by their user id only: URL, title, route, context, the library's own calls", async () => {
    window.history.replaceState({}, '', '/catalog/default/user/jane.doe?tab=overview&q=USER%253ADefault%252FJane.Doe');
    document.title = 'user:default/jane.doe | Backstage';
    const { analytics, waitFor } = wire.create(
      { userIdTransform: 'sha-256', agent: { initialPageView: true } },
      { identityApi: userIdentity(REF) },
    );
    analytics.captureEvent({
      action: 'navigate',
      subject: '/catalog/default/user/jane.doe?tab=overview',
      attributes: { kind: 'User', namespace: 'default', name: 'Jane.Doe' },
      context: { ...context, entityRef: REF },
    });
    analytics.captureEvent({
      action: 'click',
      subject: 'Owned by default/jane.doe',
      value: 'USER:JANE.DOE' as unknown as number,
      attributes: { to: '/catalog/default/user/bob', 'user%3Adefault%2Fjane.doe': 1 },
      context: { ...context, entityRef: REF },
    });

    // identify, the start page (agent.initialPageView), the navigate and the click
    const messages = await waitFor(m => m.some(x => x.type === 'track') && m.filter(x => x.type === 'page').length >= 2);
    expect(JSON.stringify(messages)).not.toMatch(JANE_ANYHOW);
    expect(JSON.stringify(messages)).not.toMatch(/\/user\/bob/);
    const own = `/catalog/default/user/${JANE_SHA256}`;
    for (const m of messages) expect([m.type, m.context.page.path]).toEqual([m.type, own]);
    // The app's navigate (the start page, agent.initialPageView, is a navigate of the app's root).
    const navigate = messages.find(m => m.type === 'page' && m.properties.pluginId !== 'root')!;
    expect(navigate.properties).toMatchObject({
      path: own,
      subject: `${own}?tab=overview`,
      title: `${JANE_SHA256} | Backstage`,
      attributes: { kind: 'User', namespace: 'default', name: JANE_SHA256 },
      additionalContext: { entityRef: JANE_SHA256 },
    });
    const click = messages.find(m => m.type === 'track')!;
    expect(click.properties).toMatchObject({
      // A click on a link to a user's page (Bob's): its text names the user it leads to.
      subject: BOB_SHA256,
      value: JANE_SHA256,
      attributes: { to: `/catalog/default/user/${BOB_SHA256}`, [JANE_SHA256]: 1 },
    });
    expect(messages.find(m => m.type === 'identify')!.context.page.search).toBe(`?tab=overview&q=${JANE_SHA256}`);
  });

  it.each<[string, () => Promise<string>]>([
    ['fails', async () => Promise.reject(new Error('directory down'))],
    ['never answers', () => new Promise<string>(() => {})],
  ])("a custom transform that %s: the user's ref, also without its kind, never goes out; the function is asked once", async (_how, answer) => {
    const calls: string[] = [];
    const userIdTransform = (ref: string) => {
      calls.push(ref);
      return answer();
    };
    const { analytics, waitFor, inSendOrder } = wire.create({}, { identityApi: userIdentity(REF), userIdTransform });
    analytics.captureEvent({ action: 'click', subject: 'first for user:default/jane.doe', context });
    analytics.captureEvent({ action: 'click', subject: 'Owned by default/jane.doe', context });
    await waitFor(m => m.filter(x => x.type === 'track').length >= 2);
    analytics.captureEvent({ action: 'click', subject: 'later: owned by Default/Jane.Doe', context });
    // Each call is a request of its own (they may arrive in any order): the order they were sent in.
    const messages = inSendOrder(await waitFor(m => m.filter(x => x.type === 'track').length >= 3));
    const subjects = messages.filter(m => m.type === 'track').map(m => m.properties.subject);
    expect(subjects).toEqual([`first for ${R}`, `Owned by ${R}`, `later: owned by ${R}`]);
    expect(JSON.stringify(messages)).not.toMatch(JANE_ANYHOW);
    expect(calls).toEqual([REF]);
  });

  it.each([' user:default/jane.doe ', 'default/jane.doe', 'user:jane.doe'])(
    "an identity API of the app's own giving the ref as %j: the user's ref, with or without its kind, goes out as their user id only",
    async given => {
      const userIdTransform = async (ref: string) => `id-${ref.trim().length}`;
      const { analytics, waitFor } = wire.create({}, { identityApi: userIdentity(given), userIdTransform });
      analytics.captureEvent({ action: 'click', subject: 'Owned by default/jane.doe', context: { ...context, entityRef: REF } });
      const messages = await waitFor(m => m.some(x => x.type === 'track'));
      const click = messages.find(m => m.type === 'track')!;
      const userId = `id-${given.trim().length}`;
      expect([click.userId, click.properties.subject, click.properties.additionalContext.entityRef]).toEqual([userId, `Owned by ${userId}`, userId]);
      expect(JSON.stringify(messages)).not.toMatch(JANE_ANYHOW);
    },
  );

  it('credential values are redacted whole, in every string sent, what the library adds included', async () => {
    const secret = '/cb?code=SECRa%26SECRb%23SECRc&state=SECRd%253Fx%253Dy&utm_source=%2Fx%3Ftoken%3DSECRe&utm_jane%40example.com=1&utm_term=%EF%BD%8A%EF%BC%A0example.com';
    window.history.replaceState({}, '', secret);
    const { analytics, waitFor } = wire.create(
      { redact: { emails: true }, agent: { initialPageView: true } },
      { identityApi: userIdentity('user:default/ann') },
    );
    analytics.captureEvent({ action: 'navigate', subject: secret, context });
    analytics.captureEvent({
      action: 'click',
      subject: 'x',
      value: '/next?token=SECRf%26SECRg' as unknown as number,
      context: { ...context, 'https://x.example.com/?sig=SECRh': 'key', 'ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ': 'k2' },
    });

    const messages = await waitFor(m => m.some(x => x.type === 'track') && m.filter(x => x.type === 'page').length >= 2);
    const sent = JSON.stringify(messages);
    expect(sent).not.toMatch(/SECR|jane|ｊａｎｅ/i);
    for (const m of messages) {
      // `utm_jane@example.com` is an address as a whole.
      expect(m.context.page.search).toBe(`?code=${R}&state=${R}&utm_source=%2Fx%3Ftoken%3D${R}&${R}=1&utm_term=${R}`);
      // The library parses the campaign from the page it was given (redacted), or from `location`
      // for its own calls (then the address is a key of its own, redacted as a key).
      expect(m.context.campaign).toMatchObject({ source: `/x?token=${R}`, term: R });
      expect(Object.keys(m.context.campaign).filter(k => !['source', 'term', R].includes(k))).toEqual([]);
    }
    const click = messages.find(m => m.type === 'track')!;
    expect(click.properties.value).toBe(`/next?token=${R}`);
    expect(click.properties.additionalContext).toEqual({ [`https://x.example.com/?sig=${R}`]: 'key', [R]: 'k2' });
  });

  it("with sha-256, the catalog's paging cursor (base64 of JSON holding the user's ownership refs) does not go out; other values stay", async () => {
    // As the catalog writes it with cursor paging and the "Owned" filter: qs-encoded base64 of its JSON state.
    const state = { filter: { kind: 'component', 'relations.ownedBy': [REF, 'group:default/team-a'] }, isPrevious: false };
    const cursor = encodeURIComponent(btoa(JSON.stringify(state)));
    const plainState = encodeURIComponent(btoa(JSON.stringify({ page: 2, kind: 'component', owner: 'group:default/team-a' })));
    window.history.replaceState({}, '', `/catalog?filters%5Bkind%5D=component&cursor=${cursor}&view=${plainState}`);
    const { analytics, waitFor } = wire.create({ userIdTransform: 'sha-256' }, { identityApi: userIdentity(REF) });
    analytics.captureEvent({ action: 'navigate', subject: `/catalog?filters%5Bkind%5D=component&cursor=${cursor}`, context });
    analytics.captureEvent({ action: 'click', subject: 'Next page', context });

    const messages = await waitFor(m => m.some(x => x.type === 'page') && m.some(x => x.type === 'track'));
    const sent = JSON.stringify(messages);
    expect(sent).not.toContain(cursor.slice(0, 40));
    const page = messages.find(m => m.type === 'page')!;
    expect(page.properties.subject).toBe(`/catalog?filters%5Bkind%5D=component&cursor=${R}`);
    for (const m of messages) expect(m.context.page.search).toBe(`?filters%5Bkind%5D=component&cursor=${R}&view=${plainState}`);
  });
});
