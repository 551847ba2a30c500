import { JSON_SAFE_MARKERS, MAX_DEPTH } from './mapping/toJsonSafe';
import { Case, context, cyclic, depthOf, expectHostileCase, nested, testModeAnalytics, throwingProxy, watchTestMode } from './__testUtils__/hostileEvents';

// Hostile events of odd structure (cycles, BigInt, throwing getters and
// toJSON, deep nesting, Proxies) through the whole module in test mode. Each
// must not throw, return undefined, raise no unhandled rejection, come out as
// JSON (or be dropped with a warning naming its action), and never hold back
// the next ordinary event. Odd names and values: SegmentAnalytics.hostileNames.test.ts.

const watch = watchTestMode();

const cases: Case[] = [
  {
    name: 'a cycle in the attributes',
    event: cyclic,
    becomes: 'analytics.track("click")',
    warnsAbout: 'click',
    check: p => expect(p.attributes).toEqual({ a: 1, self: JSON_SAFE_MARKERS.circular }),
  },
  {
    name: 'a cycle in the context',
    event: () => {
      const ctx: Record<string, unknown> = { ...context };
      ctx.loop = { back: ctx };
      return { action: 'search', subject: 'q', context: ctx };
    },
    becomes: 'analytics.track("search")',
    warnsAbout: 'search',
    check: p => expect(p.additionalContext).toEqual({ loop: { back: JSON_SAFE_MARKERS.circular } }),
  },
  {
    name: 'a BigInt attribute and value',
    event: () => ({ action: 'count', subject: 'rows', value: BigInt(12), attributes: { big: BigInt('123456789012345678901234567890') }, context }),
    becomes: 'analytics.track("count")',
    warnsAbout: 'count',
    check: p => {
      expect(p.value).toBe('12');
      expect(p.attributes).toEqual({ big: '123456789012345678901234567890' });
    },
  },
  {
    name: 'a throwing toJSON one level down',
    event: () => ({
      action: 'click',
      subject: 'x',
      attributes: {
        ok: 'yes',
        bad: {
          toJSON() {
            throw new Error('no JSON for you');
          },
        },
      },
      context,
    }),
    becomes: 'analytics.track("click")',
    warnsAbout: 'click',
    check: p => expect(p.attributes).toEqual({ ok: 'yes', bad: JSON_SAFE_MARKERS.unreadable }),
  },
  {
    name: 'a throwing getter one level down',
    event: () => ({
      action: 'hover',
      subject: 'x',
      attributes: {
        inner: {
          fine: 1,
          get broken() {
            throw new Error('getter');
          },
        },
      },
      context,
    }),
    becomes: 'analytics.track("hover")',
    warnsAbout: 'hover',
    check: p => expect(p.attributes).toEqual({ inner: { fine: 1, broken: JSON_SAFE_MARKERS.unreadable } }),
  },
  {
    name: 'attributes nested 5,000 deep',
    event: () => ({ action: 'deep', subject: 'x', attributes: nested(5000), context }),
    becomes: 'analytics.track("deep")',
    warnsAbout: 'deep',
    check: p => {
      expect(depthOf(p.attributes)).toBeLessThanOrEqual(MAX_DEPTH);
      expect(JSON.stringify(p.attributes)).toContain(JSON_SAFE_MARKERS.tooDeep);
    },
  },
  {
    name: 'the event is a Proxy that throws on every access',
    event: throwingProxy,
    becomes: 'analytics.track("unknown")',
    warnsAbout: 'unknown',
  },
  {
    name: 'attributes and context that are throwing Proxies',
    event: () => ({ action: 'proxied', subject: 's', attributes: throwingProxy(), context: throwingProxy() }),
    becomes: 'analytics.track("proxied")',
    warnsAbout: 'proxied',
    check: p => {
      expect(p.attributes).toBe(JSON_SAFE_MARKERS.unreadable);
      expect(p.additionalContext).toEqual({});
    },
  },
  {
    name: 'a revoked Proxy in the attributes',
    event: () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return { action: 'revoked', subject: 's', attributes: { gone: proxy }, context };
    },
    becomes: 'analytics.track("revoked")',
    warnsAbout: 'revoked',
    check: p => expect(p.attributes).toEqual({ gone: JSON_SAFE_MARKERS.unreadable }),
  },
];

describe('SegmentAnalytics with hostile events', () => {
  it.each(cases)('$name', c => expectHostileCase(c, watch));

  it('warns once per action, not once per event', async () => {
    const analytics = testModeAnalytics();
    for (let i = 0; i < 5; i++) analytics.captureEvent(cyclic() as any);
    analytics.captureEvent({ action: 'click', subject: 'after', context });
    await watch.untilSent('after');
    expect(watch.warn()).toHaveBeenCalledTimes(1);
    expect(watch.sent()).toHaveLength(6);
  });

  it('the event given is never changed, even when it is repaired', async () => {
    const analytics = testModeAnalytics();
    const event = cyclic();
    const attributes = event.attributes;
    analytics.captureEvent(event as any);
    await watch.untilSent('cycle');
    expect(event.attributes).toBe(attributes);
    expect(attributes.self).toBe(attributes);
    expect(Object.keys(attributes)).toEqual(['a', 'self']);
  });
});
