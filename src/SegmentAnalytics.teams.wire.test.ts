import { SegmentAnalytics } from './SegmentAnalytics';
import { CollectedMessage } from './__testUtils__/loopbackCollector';
import { userIdentity, setupWireCollector } from './__testUtils__/wireTest';

// Team analytics with the real @segment/analytics-next, sending real HTTP to
// the embedded collector on a loopback port: nothing here is mocked.

const REF = 'user:default/jane.doe';
const OWNERSHIP = [REF, 'group:default/team-b', 'group:default/team-a'];
// Verified in a shell: printf 'group:default/team-a' | sha256sum (and team-b)
const TEAM_A_SHA256 = '62524ca24b4bf2db9567814cb177a908d4def0b677f42e2516bad2a9ecdcb9ca';
const TEAM_B_SHA256 = 'cd796a89cb8624ce4f429f1c516d114b2774add02e9dda8a17f9f5164635a7ad';
// printf 'user:default/jane.doe' | sha256sum
const JANE_SHA256 = 'd410da1ed71c25c5c8283dbe81f6dc56e3e447d51bed6a98dd4d17da7fc64311';

const identity = (delayMs = 0, ownershipEntityRefs = OWNERSHIP) => userIdentity(REF, { delayMs, ownershipEntityRefs });

const { create } = setupWireCollector('teams');

/** identify, the group calls and one track call: all a user's first click brings. */
const groupsAndTrack = (groups: number) => (m: CollectedMessage[]) =>
  m.some(x => x.type === 'identify') && m.filter(x => x.type === 'group').length >= groups && m.some(x => x.type === 'track');

const context = { routeRef: 'catalog', pluginId: 'catalog', extension: 'CatalogIndexPage' };

function navigate(analytics: SegmentAnalytics, path: string) {
  window.history.pushState({}, '', path);
  analytics.captureEvent({ action: 'navigate', subject: path, context });
}

const ofType = (messages: CollectedMessage[], type: string) => messages.filter(m => m.type === type);

describe('team analytics on the wire', () => {
  it('with sha-256: identify, then one group call per group with digests, then events carrying context.groupId', async () => {
    const { analytics, waitFor, inSendOrder } = create({ userIdTransform: 'sha-256', groups: true }, { identityApi: identity() });
    navigate(analytics, '/catalog');
    analytics.captureEvent({ action: 'click', subject: 'Docs link', context });

    // identify and the group calls are sent first, then the page and track calls (each a request of its own)
    const messages = inSendOrder(await waitFor(m => m.length >= 5));
    expect(messages.map(m => m.type)).toEqual(['identify', 'group', 'group', 'page', 'track']);
    const [identify, groupA, groupB] = messages;
    const [page] = ofType(messages, 'page');
    const [click] = ofType(messages, 'track');
    expect(identify.userId).toBe(JANE_SHA256);
    expect(groupA).toMatchObject({ type: 'group', groupId: TEAM_A_SHA256, userId: JANE_SHA256, traits: {} });
    expect(groupB).toMatchObject({ type: 'group', groupId: TEAM_B_SHA256, userId: JANE_SHA256, traits: {} });
    expect(groupA.traits).toStrictEqual({});
    expect(page.context.groupId).toBe(TEAM_A_SHA256);
    expect(click.context.groupId).toBe(TEAM_A_SHA256);
    expect(JSON.stringify(messages)).not.toMatch(/team-a|team-b|group:default|jane\.doe/);
  });

  it('without a transform: the group refs as ids, and their names as traits', async () => {
    const { analytics, waitFor, inSendOrder } = create({ groups: { limit: 5 } }, { identityApi: identity() });
    analytics.captureEvent({ action: 'click', subject: 'x', context });

    const messages = inSendOrder(await waitFor(m => m.length >= 4));
    const groups = ofType(messages, 'group');
    expect(groups.map(g => [g.groupId, g.traits, g.userId])).toEqual([
      ['group:default/team-a', { name: 'team-a' }, REF],
      ['group:default/team-b', { name: 'team-b' }, REF],
    ]);
    expect(ofType(messages, 'track')[0].context.groupId).toBe('group:default/team-a');
  });

  it('at most groups.limit group calls', async () => {
    const refs = [REF, 'group:default/team-c', 'group:default/team-b', 'group:default/team-a'];
    const { analytics, waitFor, inSendOrder } = create(
      { userIdTransform: 'sha-256', groups: { limit: 2 } },
      { identityApi: identity(0, refs) },
    );
    analytics.captureEvent({ action: 'click', subject: 'x', context });
    const messages = inSendOrder(await waitFor(groupsAndTrack(2)));
    expect(ofType(messages, 'group').map(g => g.groupId)).toEqual([TEAM_A_SHA256, TEAM_B_SHA256]);
  });

  it('group traits left in storage by an earlier setup are not sent with pseudonymized groups', async () => {
    // No current group id (cookies cleared, say), traits of an earlier setup still in localStorage.
    document.cookie = 'ajs_group_id=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    localStorage.setItem('ajs_group_properties', JSON.stringify({ name: 'team-a', email: 'team-a@example.com' }));
    const { analytics, waitFor } = create({ userIdTransform: 'sha-256', groups: true }, { identityApi: identity() });
    analytics.captureEvent({ action: 'click', subject: 'x', context });
    const messages = await waitFor(groupsAndTrack(2));
    expect(ofType(messages, 'group').map(g => g.traits)).toEqual([{}, {}]);
    expect(JSON.stringify(messages)).not.toMatch(/team-a|team-b/);
  });

  it('by default: no group call and no context.groupId, even for a user with groups', async () => {
    const { analytics, waitFor, inSendOrder } = create({}, { identityApi: identity() });
    navigate(analytics, '/catalog');
    analytics.captureEvent({ action: 'click', subject: 'x', context });
    const messages = inSendOrder(await waitFor(m => m.length >= 3));
    expect(messages.map(m => m.type)).toEqual(['identify', 'page', 'track']);
    expect(messages.some(m => 'groupId' in m.context)).toBe(false);
  });

  it('events sent anonymously after the identity time-out carry no group; later ones do', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const { analytics, waitFor, inSendOrder } = create(
      { userIdTransform: 'sha-256', groups: true, identityTimeoutMs: 100 },
      { identityApi: identity(800) },
    );
    analytics.captureEvent({ action: 'click', subject: 'early', context });
    await waitFor(m => m.some(x => x.properties?.subject === 'early'));
    await waitFor(m => m.some(x => x.type === 'group'));
    analytics.captureEvent({ action: 'click', subject: 'late', context });

    const messages = inSendOrder(await waitFor(m => m.length >= 5 && m.some(x => x.properties?.subject === 'late')));
    const early = messages.find(m => m.properties?.subject === 'early')!;
    const late = messages.find(m => m.properties?.subject === 'late')!;
    expect(early.userId ?? undefined).toBeUndefined();
    expect(early.context).not.toHaveProperty('groupId');
    expect(late).toMatchObject({ userId: JANE_SHA256, context: { groupId: TEAM_A_SHA256 } });
    expect(messages.map(m => m.type)).toEqual(['track', 'identify', 'group', 'group', 'track']);
    warn.mockRestore();
  });

  it("a transform that never answers for groups costs the group calls only: the user is identified, events attributed", async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const userIdTransform = (ref: string) => (ref === REF ? Promise.resolve('jane-id') : new Promise<string>(() => {}));
      const { analytics, waitFor, inSendOrder } = create({ groups: true, identityTimeoutMs: 2000 }, { identityApi: identity(), userIdTransform });
      analytics.captureEvent({ action: 'click', subject: 'first', context });
      const messages = inSendOrder(await waitFor(m => m.some(x => x.properties?.subject === 'first')));
      expect(messages.map(m => [m.type, m.userId])).toEqual([
        ['identify', 'jane-id'],
        ['track', 'jane-id'],
      ]);
      expect(messages[1].context).not.toHaveProperty('groupId');
      expect(warn.mock.calls.map(args => String(args[0]))).toContain(
        "Segment analytics: 2 of the user's groups took over 1000 ms after the user's id and are not sent",
      );
      expect(warn.mock.calls.map(args => String(args[0])).join('\n')).not.toMatch(/was not known after/);
    } finally {
      warn.mockRestore();
    }
  });

  it('extraProperties and eventNames reach the wire', async () => {
    const { analytics, waitFor } = create({
      extraProperties: { environment: 'production', subject: 'never' },
      eventNames: { click: 'Link Clicked', create: 'Entity Created' },
    });
    navigate(analytics, '/catalog');
    analytics.captureEvent({ action: 'click', subject: 'Docs link', context });
    analytics.captureEvent({ action: 'create', subject: 'my-service', context });
    analytics.captureEvent({ action: 'search', subject: 'query', context });

    const messages = await waitFor(m => m.length >= 4);
    const page = ofType(messages, 'page')[0];
    expect(page.properties).toMatchObject({ environment: 'production', subject: '/catalog', path: '/catalog' });
    const tracks = ofType(messages, 'track');
    // Each call is its own request: they may arrive in any order (capture order is checked elsewhere).
    const named = tracks.map(t => [t.event, t.properties.action, t.properties.subject, t.properties.environment]);
    expect(named).toHaveLength(3);
    expect(named).toEqual(
      expect.arrayContaining([
        ['Link Clicked', 'click', 'Docs link', 'production'],
        ['Entity Created', 'create', 'my-service', 'production'],
        ['search', 'search', 'query', 'production'],
      ]),
    );
  });
});
