import type { CheckedMessage } from './checkMessage';
import type { RelayRequest } from './readRequest';
import { rewriteMessages, type Sender } from './rewriteMessages';

const USER = 'a'.repeat(64);
const GROUP_A = 'b'.repeat(64);
const GROUP_B = 'c'.repeat(64);
const sender: Sender = { caller: { userId: USER, groupIds: [] }, maskIP: false, clientIp: '203.0.113.7' };

const message = (fields: Record<string, unknown>) => ({ messageId: 'm-1', ...fields }) as CheckedMessage;
const request = (...messages: CheckedMessage[]): RelayRequest => ({ messages, batch: messages.length > 1 });
const rewritten = (req: RelayRequest, who: Sender = sender) => {
  const result = rewriteMessages(req, who);
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

describe('rewriteMessages', () => {
  it("sets the caller's id over any id the browser claims, and drops traits, writeKey and sentAt", () => {
    const [out] = rewritten(
      request(
        message({
          type: 'track',
          event: 'click',
          userId: 'user:default/admin',
          anonymousId: 'anon-1',
          writeKey: 'placeholder',
          sentAt: '2026-12-02T10:00:00.000Z',
          traits: { email: 'x@example.com' },
          properties: { subject: 's' },
          context: { traits: { role: 'admin' }, groupId: 'forged', page: { path: '/' } },
        }),
      ),
    );
    expect(out).toEqual({
      type: 'track',
      event: 'click',
      messageId: 'm-1',
      userId: USER,
      anonymousId: 'anon-1',
      properties: { subject: 's' },
      context: { page: { path: '/' }, ip: '203.0.113.7' },
    });
  });

  it("forwards only the top-level keys Segment's HTTP API defines, and _metadata; drops options, user_id and any other key", () => {
    const kept = {
      type: 'page',
      messageId: 'm-1',
      anonymousId: 'anon-1',
      timestamp: '2026-12-02T10:00:00.000Z',
      originalTimestamp: '2026-12-02T09:59:59.000Z',
      event: 'e',
      name: 'Catalog',
      category: 'Docs',
      properties: { path: '/catalog' },
      integrations: { All: true },
      _metadata: { bundled: ['Segment.io'], retryCount: 2 },
    };
    const dropped = {
      options: { traits: { email: 'victim@example.com' }, ip: '198.51.100.1', groupId: 'forged' },
      user_id: 'user:default/victim',
      USERID: 'user:default/victim',
      userid: 'user:default/victim',
      receivedAt: '2026-12-02T10:00:00.000Z',
      version: 2,
      channel: 'server',
      anything: 'else',
    };
    const [out] = rewritten(request(message({ ...kept, ...dropped, context: { locale: 'en' } })));
    expect(out).toEqual({ ...kept, userId: USER, context: { locale: 'en', ip: '203.0.113.7' } });
  });

  it('forwards no key inherited from the prototype or named __proto__', () => {
    const parsed = JSON.parse('{"type":"track","event":"e","messageId":"m-1","__proto__":{"userId":"forged"},"constructor":"x"}');
    const [out] = rewritten(request(parsed));
    expect(Object.keys(out).sort()).toEqual(['context', 'event', 'messageId', 'type', 'userId']);
    expect(out.userId).toBe(USER);
  });

  it.each([
    ['the backend masks', { maskIP: true }, { ip: '198.51.100.1' }, '0.0.0.0'],
    ['the browser asks for a mask', {}, { ip: '0.0.0.0' }, '0.0.0.0'],
    ['the browser claims another address', {}, { ip: '198.51.100.1' }, '203.0.113.7'],
    ['the browser says nothing', {}, {}, '203.0.113.7'],
    ['the client address is unknown', { clientIp: undefined }, {}, '0.0.0.0'],
  ])('decides context.ip when %s', (_when, change, context, ip) => {
    const [out] = rewritten(request(message({ type: 'page', context })), { ...sender, ...change });
    expect(out.context).toEqual({ ip });
  });

  it('does not forward group or alias calls from the browser', () => {
    const out = rewritten(
      request(
        message({ type: 'group', groupId: 'forged-team' }),
        message({ type: 'alias', previousId: 'someone-else', messageId: 'm-2' }),
        message({ type: 'page', messageId: 'm-3' }),
      ),
    );
    expect(out.map(m => m.messageId)).toEqual(['m-3']);
  });

  it("follows the identify with the caller's group calls, and sets the first group on every other message", () => {
    const withGroups = { ...sender, caller: { userId: USER, groupIds: [GROUP_A, GROUP_B] } };
    const out = rewritten(
      request(
        message({
          type: 'identify',
          traits: { name: 'Alice' },
          anonymousId: 'anon-1',
          timestamp: '2026-12-02T10:00:00.000Z',
          context: { locale: 'en' },
          integrations: { Mixpanel: false },
        }),
        message({ type: 'track', event: 'click', messageId: 'm-2' }),
      ),
      withGroups,
    );
    expect(out.map(m => [m.type, m.groupId ?? (m.context as any).groupId])).toEqual([
      ['identify', GROUP_A],
      ['group', GROUP_A],
      ['group', GROUP_B],
      ['track', GROUP_A],
    ]);
    expect(out[0].traits).toBeUndefined();
    expect(out[1]).toEqual({
      type: 'group',
      groupId: GROUP_A,
      userId: USER,
      anonymousId: 'anon-1',
      timestamp: '2026-12-02T10:00:00.000Z',
      messageId: expect.stringMatching(/^grp-[0-9a-f]{40}$/),
      context: { locale: 'en', ip: '203.0.113.7' },
      // The destinations the identify leaves out, the group calls leave out too.
      integrations: { Mixpanel: false },
    });
    // A retried identify gives the same group messageIds, so Segment drops the repeats.
    const again = rewritten(request(message({ type: 'identify' })), withGroups);
    const first = rewritten(request(message({ type: 'identify' })), withGroups);
    expect(again.map(m => m.messageId)).toEqual(first.map(m => m.messageId));
    expect(new Set(first.map(m => m.messageId)).size).toBe(3);
  });

  it('removes the ids a browser may claim for a call: groupId, previousId, context.externalIds', () => {
    const [out] = rewritten(
      request(
        message({
          type: 'track',
          event: 'click',
          groupId: 'forged-team',
          previousId: 'victim',
          context: { externalIds: [{ id: 'victim', type: 'user_id' }], locale: 'en' },
        }),
      ),
    );
    expect(out).toEqual({ type: 'track', event: 'click', messageId: 'm-1', userId: USER, context: { locale: 'en', ip: '203.0.113.7' } });
  });

  it('removes the fields the relay owns from the context in every spelling Segment reads as them', () => {
    const forged = {
      Traits: { email: 'ceo@corp.example' },
      TRAITS: { name: 'x' },
      'traits.email': 'ceo@corp.example',
      IP: '6.6.6.6',
      'I_P': '6.6.6.6',
      group_id: 'forged-group',
      'Group-Id': 'forged-group',
      External_Ids: [{ id: 'victim', type: 'user_id' }],
      ExternalIds: [],
      traits_email: 'ceo@corp.example',
      TraitsName: 'CEO',
      externalIdsV2: [],
      device: { type: 'ios', id: 'victim-device', advertisingId: 'victim-idfa', token: 'victim-push' },
      Device: { id: 'victim-device' },
      integrations: { 'Google Analytics': { clientId: 'victim.ga' } },
    };
    const [out] = rewritten(request(message({ type: 'track', event: 'click', context: { ...forged, locale: 'en', ipAddressNote: 'kept', deviceMemory: 8 } })));
    expect(out.context).toEqual({ locale: 'en', ipAddressNote: 'kept', deviceMemory: 8, ip: '203.0.113.7' });
    const masked = rewritten(request(message({ type: 'identify', context: forged })), { ...sender, maskIP: true, caller: { userId: USER, groupIds: [GROUP_A] } });
    for (const call of masked) expect(Object.keys(call.context as object).sort()).toEqual(call.type === 'group' ? ['ip'] : ['groupId', 'ip']);
  });

  it("drops a destination's options given in the context (Segment's facade reads them under the destination's name, or providers)", () => {
    const browserContext = {
      page: { path: '/catalog', title: 'Catalog' },
      library: { name: 'analytics.js', version: 'next-1.84.3' },
      userAgent: 'Mozilla/5.0',
      userAgentData: { brands: [{ brand: 'Chromium', version: '156' }], mobile: false, platform: 'Linux' },
      locale: 'en-GB',
      timezone: 'Europe/London',
      campaign: { name: 'spring', source: 'newsletter' },
      amp: { id: 'amp-1' },
    };
    const options = {
      google_analytics: { clientId: 'victim.ga' },
      'Google Analytics': { clientId: 'victim.ga' },
      Mixpanel: { people: true },
      providers: { 'Google Analytics': { clientId: 'victim.ga' } },
      'Segment.io': { apiKey: 'x' },
      All: [{ clientId: 'victim' }],
    };
    const [out] = rewritten(request(message({ type: 'track', event: 'click', context: { ...browserContext, ...options, all: false, note: 'kept' } })));
    expect(out.context).toEqual({ ...browserContext, all: false, note: 'kept', ip: '203.0.113.7' });
  });

  it("drops properties.email in any spelling, and a destination's options (only its on/off switch is the browser's)", () => {
    const [out] = rewritten(
      request(
        message({
          type: 'track',
          event: 'click',
          properties: { subject: 's', email: 'ceo@corp.example', E_Mail: 'x', 'email.work': 'y', emailsSent: 3 },
          integrations: { All: true, 'Segment.io': true, Mixpanel: false, 'Google Analytics': { clientId: 'victim.ga' } },
        }),
      ),
    );
    expect(out.properties).toEqual({ subject: 's', emailsSent: 3 });
    expect(out.integrations).toEqual({ All: true, 'Segment.io': true, Mixpanel: false });
  });

  it('sends the group calls once per request, however many identifies it holds', () => {
    const withGroups = { ...sender, caller: { userId: USER, groupIds: [GROUP_A, GROUP_B] } };
    const identifies = Array.from({ length: 1000 }, (_, i) => message({ type: 'identify', messageId: `m-${i}` }));
    const out = rewritten(request(...identifies), withGroups);
    expect(out.filter(m => m.type === 'group')).toHaveLength(2);
    expect(out).toHaveLength(1002);
  });

  it("copies the identify's context into its group calls only while they stay within 2,560 bytes: a larger one leaves them only the context's ip", () => {
    const groupIds = Array.from({ length: 100 }, (_, i) => `${i}`.padStart(64, 'g'));
    const withGroups = { ...sender, caller: { userId: USER, groupIds } };
    const size = (m: object) => Buffer.byteLength(JSON.stringify(m), 'utf8');
    const small = rewritten(request(message({ type: 'identify', context: { page: { path: '/catalog' } } })), withGroups);
    expect(small[1]).toMatchObject({ type: 'group', context: { page: { path: '/catalog' }, ip: '203.0.113.7' } });
    // A 30 KB context, 100 groups: 3 MB sent to Segment (and held) for one request before.
    const filler = 'x'.repeat(30 * 1024);
    const large = rewritten(request(message({ type: 'identify', context: { filler } })), withGroups);
    expect(large).toHaveLength(101);
    for (const call of large.slice(1)) expect(call).toMatchObject({ type: 'group', context: { ip: '203.0.113.7' } });
    expect(large.slice(1).every(call => !('filler' in (call.context as object)))).toBe(true);
    expect(size(large.slice(1))).toBeLessThan(40 * 1024);
  });

  it.each(['anonymousId', 'integrations'])('keeps a group call within 32 KB when the identify is just under it because of its %s', key => {
    const withGroups = { ...sender, caller: { userId: USER, groupIds: [GROUP_A, GROUP_B] } };
    const size = (m: object) => Buffer.byteLength(JSON.stringify(m), 'utf8');
    // The identify as large as it may be once rewritten, less 8 bytes: its group calls add a groupId and a longer messageId.
    const identifyOf = (filler: number) => {
      const value = key === 'anonymousId' ? 'a'.repeat(filler) : { [`d${'x'.repeat(filler)}`]: true };
      return message({ type: 'identify', [key]: value });
    };
    const base = size(rewritten(request(identifyOf(0)), withGroups)[0]);
    const out = rewritten(request(identifyOf(32 * 1024 - 8 - base)), withGroups);
    expect(size(out[0])).toBe(32 * 1024 - 8);
    expect(out.map(m => m.type)).toEqual(['identify', 'group', 'group']);
    for (const call of out.slice(1)) {
      expect(size(call)).toBeLessThanOrEqual(32 * 1024);
      expect(call).toMatchObject({ userId: USER, messageId: expect.stringMatching(/^grp-/) });
    }
  });

  it.each([
    ['anonymousId', 'a'.repeat(30 * 1024)],
    ['integrations', Object.fromEntries(Array.from({ length: 1700 }, (_, i) => [`d${i}`.padEnd(10, 'x'), true]))],
    ['timestamp', `2026-12-06T12:00:00.${'1'.repeat(30 * 1024)}Z`],
  ])('a large %s of the identify is not copied into its 100 group calls: each stays within 2,560 bytes', (key, value) => {
    const groupIds = Array.from({ length: 100 }, (_, i) => `${i}`.padStart(64, 'g'));
    const out = rewritten(request(message({ type: 'identify', [key]: value })), { ...sender, caller: { userId: USER, groupIds } });
    const size = (m: object) => Buffer.byteLength(JSON.stringify(m), 'utf8');
    expect(out).toHaveLength(101);
    for (const call of out.slice(1)) {
      expect(call).toMatchObject({ type: 'group', userId: USER, context: { ip: '203.0.113.7' } });
      expect(call).not.toHaveProperty(key);
      expect(size(call)).toBeLessThanOrEqual(2560);
    }
  });

  it('refuses a message that grows past 32 KB once rewritten, naming its index', () => {
    const filler = 'x'.repeat(32 * 1024 - 120);
    const result = rewriteMessages(request(message({ type: 'page', messageId: 'm-0' }), message({ type: 'page', properties: { filler } })), sender);
    expect(result).toMatchObject({ ok: false, status: 413, message: expect.stringMatching(/^batch\[1\]: the message is \d+ bytes once the server's ids are set/) });
  });

  it('leaves the messages it was given unchanged', () => {
    const original = message({ type: 'track', event: 'e', userId: 'x', context: { ip: '1.1.1.1', traits: {} } });
    const copy = JSON.parse(JSON.stringify(original));
    rewritten(request(original));
    expect(original).toEqual(copy);
  });
});
