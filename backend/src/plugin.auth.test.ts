import { mockCredentials } from '@backstage/backend-test-utils';
import { pseudonymize } from './identity/pseudonymize';
import { ALICE, ALICE_COOKIE, APP_ORIGIN, HMAC_KEY, post, trackCall, useRelay } from './__testUtils__/startRelay';

describe('the relay accepts signed-in users only', () => {
  const ctx = useRelay();

  it('refuses a call without credentials with 401, and forwards nothing', async () => {
    const res = await post(ctx.relay.server, 't', trackCall(), { Cookie: null });
    expect(res.status).toBe(401);
    expect(res.body.error.name).toBe('AuthenticationError');
    expect(ctx.segment.requests).toHaveLength(0);
  });

  it('refuses an invalid cookie with 401', async () => {
    const res = await post(ctx.relay.server, 't', trackCall(), { Cookie: mockCredentials.limitedUser.invalidCookie() });
    expect(res.status).toBe(401);
    expect(ctx.segment.requests).toHaveLength(0);
  });

  it('refuses service credentials with 403', async () => {
    const res = await post(ctx.relay.server, 't', trackCall(), { Cookie: null, Authorization: mockCredentials.service.header() });
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
    expect(ctx.segment.requests).toHaveLength(0);
  });

  it("accepts the user cookie next to analytics-next's Basic write-key header, and forwards with the user's id", async () => {
    const res = await post(ctx.relay.server, 't', trackCall());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect(ctx.segment.messages()).toEqual([expect.objectContaining({ userId: pseudonymize(ALICE, HMAC_KEY) })]);
  });

  it('accepts a Backstage user token too (clients other than analytics-next)', async () => {
    const res = await post(ctx.relay.server, 't', trackCall(), { Cookie: null, Authorization: mockCredentials.user.header('user:default/bob') });
    expect(res.status).toBe(200);
    expect(ctx.segment.messages().at(-1).userId).toBe(pseudonymize('user:default/bob', HMAC_KEY));
  });

  it("accepts a page of the app's origin, and refuses another site's page with 403 even with the user's cookie", async () => {
    expect((await post(ctx.relay.server, 't', trackCall(), { Origin: APP_ORIGIN, 'Sec-Fetch-Site': 'same-site' })).status).toBe(200);
    const before = ctx.segment.requests.length;
    const crossSite = await post(ctx.relay.server, 't', trackCall(), { Origin: 'https://evil.example.net', 'Sec-Fetch-Site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect((await post(ctx.relay.server, 't', trackCall(), { Origin: 'https://evil.example.net' })).status).toBe(403);
    expect(ctx.segment.requests).toHaveLength(before);
    // One warning for the spell (not one per request), naming the origin and what helps (no config lets another site in).
    const warnings = ctx.relay.logs.filter(line => /^warn Segment relay: .*refused/.test(line));
    expect(warnings).toEqual([
      expect.stringMatching(/^warn Segment relay: cross-site requests are refused .*\(Origin: https:\/\/evil\.example\.net\); answered 403, its events are lost\. The app and the backend must be on one site\b/),
    ]);
  });
});

describe('a relay that is off (enabled: false)', () => {
  const ctx = useRelay({ config: { enabled: false } });

  it('answers every call 404, signed in or not, saying the relay is off, and forwards nothing', async () => {
    for (const cookie of [ALICE_COOKIE, null]) {
      const res = await post(ctx.relay.server, 't', trackCall(), { Cookie: cookie });
      expect(res.status).toBe(404);
      expect(res.body.error.message).toMatch(/^the Segment relay is off on this backend \(segmentAnalytics\.enabled: false\)/);
    }
    expect(ctx.segment.requests).toHaveLength(0);
    expect(ctx.relay.logs).toContainEqual(expect.stringMatching(/Segment relay is off \(segmentAnalytics\.enabled: false\): its routes answer 404/));
  });
});
