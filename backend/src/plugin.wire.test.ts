import { pseudonymize } from './identity/pseudonymize';
import { startFakeSegment, type FakeSegment } from './__testUtils__/fakeSegment';
import { ALICE, HMAC_KEY, WRITE_KEY, post, startRelay, trackCall } from './__testUtils__/startRelay';

const ALICE_ID = pseudonymize(ALICE, HMAC_KEY);

describe('what Segment receives through the relay', () => {
  let segment: FakeSegment;
  beforeEach(async () => {
    segment = await startFakeSegment();
  });
  afterEach(() => segment.close());

  it("posts one batch to {upstreamUrl}/batch with the relay's write key, the user's id and the client's sentAt", async () => {
    const relay = await startRelay({ upstreamUrl: segment.url });
    const call = trackCall();
    expect((await post(relay.server, 't', call)).status).toBe(200);

    expect(segment.requests).toHaveLength(1);
    const [sent] = segment.requests;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/batch');
    expect(sent.headers.authorization).toBe(`Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`);
    expect(sent.headers['content-type']).toBe('application/json');
    const { writeKey: _w, sentAt, ...kept } = call;
    expect(sent.body).toEqual({
      batch: [{ ...kept, userId: ALICE_ID, context: { ...call.context, ip: '127.0.0.1' } }],
      sentAt,
    });
  });

  it("sends a call that claims another user's id with the caller's id", async () => {
    const relay = await startRelay({ upstreamUrl: segment.url });
    const forged = pseudonymize('user:default/admin', HMAC_KEY);
    await post(relay.server, 'p', { ...trackCall({ type: 'page', event: undefined }), userId: forged });
    await post(relay.server, 'i', { ...trackCall({ type: 'identify', event: undefined }), userId: 'user:default/admin', traits: { email: 'admin@example.com' } });
    expect(segment.messages().map(m => [m.type, m.userId, m.traits])).toEqual([
      ['page', ALICE_ID, undefined],
      ['identify', ALICE_ID, undefined],
    ]);
  });

  it("forwards only the top-level keys Segment's API defines: options, user_id and other keys never reach Segment", async () => {
    const relay = await startRelay({ upstreamUrl: segment.url });
    const call = trackCall({ _metadata: { bundled: ['Segment.io'], unbundled: [], bundledIds: [] } });
    const extra = {
      options: { traits: { email: 'victim@example.com' }, ip: '198.51.100.23', groupId: 'forged-team' },
      user_id: 'user:default/victim',
      USERID: 'user:default/victim',
      receivedAt: '2026-12-02T10:00:00.000Z',
    };
    expect((await post(relay.server, 't', { ...call, ...extra })).status).toBe(200);
    const { writeKey: _w, sentAt: _s, ...kept } = call;
    expect(segment.messages()).toEqual([{ ...kept, userId: ALICE_ID, context: { ...call.context, ip: '127.0.0.1' } }]);
  });

  it('relays a batch as analytics-next sends it, in order, with the batch sentAt', async () => {
    const relay = await startRelay({ upstreamUrl: segment.url });
    const batch = [trackCall(), trackCall({ type: 'page', event: undefined, name: 'Catalog' }), trackCall({ event: 'search' })];
    const res = await post(relay.server, 'b', { batch, sentAt: '2026-12-02T10:00:05.000Z', writeKey: 'placeholder' });
    expect(res.status).toBe(200);
    expect(segment.requests).toHaveLength(1);
    expect(segment.requests[0].body.sentAt).toBe('2026-12-02T10:00:05.000Z');
    expect(segment.messages().map(m => m.messageId)).toEqual(batch.map(m => m.messageId));
    expect(segment.messages().every(m => m.userId === ALICE_ID && m.writeKey === undefined)).toBe(true);
  });

  it("with groups, follows an identify with the user's group calls and marks every call with the first group; looked up once", async () => {
    const ownership = [ALICE, 'group:default/team-b', 'group:default/team-a', 'component:default/x'];
    const relay = await startRelay({ upstreamUrl: segment.url, config: { groups: true }, ownership });
    const teamA = pseudonymize('group:default/team-a', HMAC_KEY);
    const teamB = pseudonymize('group:default/team-b', HMAC_KEY);

    await post(relay.server, 'i', trackCall({ type: 'identify', event: undefined }));
    await post(relay.server, 't', trackCall());
    await post(relay.server, 'g', trackCall({ type: 'group', event: undefined, groupId: 'forged-team' }));

    expect(segment.messages().map(m => [m.type, m.groupId ?? m.context.groupId])).toEqual([
      ['identify', teamA],
      ['group', teamA],
      ['group', teamB],
      ['track', teamA],
    ]);
    expect(JSON.stringify(segment.requests.map(r => r.body))).not.toMatch(/team-a|team-b|alice/);
    expect(relay.lookups.count).toBe(1);
  });

  it.each([
    ['maskIP on', { maskIP: true }, {}, '0.0.0.0'],
    ['the browser masks', {}, { ip: '0.0.0.0' }, '0.0.0.0'],
    ['the browser claims an address', {}, { ip: '198.51.100.23' }, '127.0.0.1'],
  ])("sets context.ip when %s", async (_when, config, context, ip) => {
    const relay = await startRelay({ upstreamUrl: segment.url, config });
    await post(relay.server, 't', trackCall({ context }));
    expect(segment.messages()[0].context.ip).toBe(ip);
  });

  it('answers group and alias calls 200 without forwarding them', async () => {
    const relay = await startRelay({ upstreamUrl: segment.url });
    expect((await post(relay.server, 'a', trackCall({ type: 'alias', event: undefined, previousId: 'x' }))).status).toBe(200);
    expect((await post(relay.server, 'g', trackCall({ type: 'group', event: undefined, groupId: 'x' }))).status).toBe(200);
    expect(segment.requests).toHaveLength(0);
  });
});
