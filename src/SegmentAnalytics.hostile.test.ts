import { ConfigReader } from '@backstage/config';
import { SegmentAnalytics } from './SegmentAnalytics';
import { JSON_SAFE_MARKERS, MAX_DEPTH } from './mapping/toJsonSafe';

// Hostile events, as a careless or malicious plugin could pass them, through
// the whole module in test mode (the same delivery queue as with the real
// library; the transport logs instead of sending). Each must: not throw,
// return undefined, raise no unhandled rejection, come out as JSON (or be
// dropped with a warning naming its action), and never hold back the next
// ordinary event.

const context = { routeRef: 'home', pluginId: 'app', extension: 'App' };

/** A Proxy whose every trap throws. */
function throwingProxy(): any {
  const handler: ProxyHandler<object> = {};
  for (const trap of [
    'get',
    'set',
    'has',
    'ownKeys',
    'getOwnPropertyDescriptor',
    'getPrototypeOf',
    'defineProperty',
    'deleteProperty',
    'apply',
    'construct',
    'isExtensible',
    'preventExtensions',
    'setPrototypeOf',
  ] as const) {
    (handler as any)[trap] = () => {
      throw new Error(`trap ${trap}`);
    };
  }
  return new Proxy({}, handler);
}

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i++) value = { child: value };
  return value;
}

function depthOf(value: unknown): number {
  if (!value || typeof value !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as any)[key]);
  }
  return value;
};

type Sent = { line: string; properties: any };

type Case = {
  name: string;
  event: () => unknown;
  /** The Segment call it must become: `analytics.track("x")` or `analytics.page()`; undefined when it must be dropped. */
  becomes: string | undefined;
  /** The action a warning must name; undefined when the event is fine and gives no warning. */
  warnsAbout?: string;
  check?: (properties: any) => void;
};

const cyclic = () => {
  const attributes: Record<string, unknown> = { a: 1 };
  attributes.self = attributes;
  return { action: 'click', subject: 'cycle', attributes, context };
};

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
  {
    name: 'create with an object subject: the name falls back, properties stay',
    event: () => ({ action: 'create', subject: { event: 'hijack', properties: { x: 1 } }, attributes: { keep: 1 }, context }),
    becomes: 'analytics.track("create")',
    warnsAbout: 'create',
    check: p => {
      expect(p.subject).toBe(JSON_SAFE_MARKERS.unsupported);
      expect(p.action).toBe('create');
      expect(p.attributes).toEqual({ keep: 1 });
      expect(p.pluginId).toBe('app');
    },
  },
  {
    name: 'create with an empty subject',
    event: () => ({ action: 'create', subject: '', context }),
    becomes: 'analytics.track("create")',
    check: p => expect(p.subject).toBe(''),
  },
  {
    name: 'create with a blank subject',
    event: () => ({ action: 'create', subject: '   ', context }),
    becomes: 'analytics.track("create")',
  },
  {
    name: 'create with a number subject',
    event: () => ({ action: 'create', subject: 42, context }),
    becomes: 'analytics.track("42")',
    check: p => expect(p.subject).toBe('42'),
  },
  {
    name: 'create with an undefined subject',
    event: () => ({ action: 'create', context }),
    becomes: 'analytics.track("create")',
    check: p => expect(p.subject).toBe(''),
  },
  {
    name: 'an empty action',
    event: () => ({ action: '', subject: 's', context }),
    becomes: 'analytics.track("unknown")',
    warnsAbout: 'unknown',
    check: p => expect(p.action).toBe('unknown'),
  },
  {
    name: 'an object action',
    event: () => ({ action: { name: 'click' }, subject: 's', context }),
    becomes: 'analytics.track("unknown")',
    warnsAbout: 'unknown',
  },
  {
    name: 'a Symbol action, subject and attribute',
    event: () => ({ action: Symbol('click'), subject: Symbol('s'), attributes: { s: Symbol('v'), [Symbol('k')]: 1 }, context }),
    becomes: 'analytics.track("unknown")',
    warnsAbout: 'unknown',
    check: p => {
      expect(p.subject).toBe(JSON_SAFE_MARKERS.unsupported);
      expect(p.attributes).toEqual({ s: JSON_SAFE_MARKERS.unsupported });
    },
  },
  {
    name: 'a function in the attributes',
    event: () => ({ action: 'fn', subject: 's', attributes: { run: () => 1 }, context }),
    becomes: 'analytics.track("fn")',
    warnsAbout: 'fn',
    check: p => expect(p.attributes).toEqual({ run: JSON_SAFE_MARKERS.unsupported }),
  },
  { name: 'null', event: () => null, becomes: 'analytics.track("unknown")', warnsAbout: 'unknown' },
  { name: 'undefined', event: () => undefined, becomes: 'analytics.track("unknown")', warnsAbout: 'unknown' },
  { name: 'a string', event: () => 'click', becomes: 'analytics.track("unknown")', warnsAbout: 'unknown' },
  {
    name: 'a context that is a string',
    event: () => ({ action: 'click', subject: 's', context: 'catalog' }),
    becomes: 'analytics.track("click")',
    warnsAbout: 'click',
    check: p => expect(p.additionalContext).toEqual({}),
  },
  {
    name: 'a deeply frozen event (fine, no warning)',
    event: () => deepFreeze({ action: 'click', subject: 'frozen', attributes: { a: { b: [1, 2] } }, context: { ...context } }),
    becomes: 'analytics.track("click")',
    check: p => expect(p.attributes).toEqual({ a: { b: [1, 2] } }),
  },
  {
    name: 'a navigate event with a Date attribute (fine, no warning: ISO string)',
    event: () => ({ action: 'navigate', subject: '/x', attributes: { at: new Date(0) }, context }),
    becomes: 'analytics.page()',
    check: p => expect(p.attributes).toEqual({ at: '1970-01-01T00:00:00.000Z' }),
  },
  {
    name: 'a __proto__ attribute stays data and pollutes nothing',
    event: () => ({ action: 'click', subject: 's', attributes: JSON.parse('{"__proto__": {"polluted": 1}}'), context }),
    becomes: 'analytics.track("click")',
    check: p => {
      expect(Object.keys(p.attributes)).toEqual(['__proto__']);
      expect(({} as any).polluted).toBeUndefined();
    },
  },
  {
    name: 'a toJSON returning a cycle',
    event: () => ({
      action: 'click',
      subject: 's',
      attributes: {
        odd: {
          toJSON() {
            const o: any = {};
            o.o = o;
            return o;
          },
        },
      },
      context,
    }),
    becomes: 'analytics.track("click")',
    warnsAbout: 'click',
    check: p => expect(p.attributes).toEqual({ odd: { o: JSON_SAFE_MARKERS.circular } }),
  },
  {
    name: 'a huge array (a million numbers): cut, then dropped as over 32 KB, with a warning',
    event: () => ({ action: 'bulk', subject: 's', attributes: { rows: Array.from({ length: 1_000_000 }, (_, i) => i) }, context }),
    becomes: undefined,
    warnsAbout: 'bulk',
  },
  {
    name: 'a huge string: cut to fit and marked',
    event: () => ({ action: 'paste', subject: 'x'.repeat(5_000_000), context }),
    becomes: 'analytics.track("paste")',
    check: p => expect(p.subject.length).toBeLessThan(2000),
  },
];

// Unhandled rejections: jest-circus (30) listens for 'unhandledRejection' on
// the real process and fails the test that was running when one happened;
// the `process` a test file sees is a sandboxed copy whose listeners never
// fire, so each case below waits a little after the last send for any
// rejection to surface inside it (checked by hand: a bare
// `Promise.reject(new Error())` in a test fails it with that error).

let info: jest.SpyInstance;
let warn: jest.SpyInstance;

beforeEach(() => {
  // Test mode needs no network or crypto: every wait is on fake time.
  jest.useFakeTimers();
  info = jest.spyOn(console, 'info').mockImplementation(() => {});
  warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

function sent(): Sent[] {
  return info.mock.calls
    .filter(call => String(call[0]).startsWith('[segment test mode] analytics.'))
    .map(call => ({ line: String(call[0]).replace('[segment test mode] ', ''), properties: call[1] }));
}

/** Lets fake time run until the ordinary event sent after the hostile one has gone out; fails after 3 s of it. */
async function untilSent(subject: string): Promise<Sent[]> {
  for (let waited = 0; waited <= 3000; waited += 20) {
    const calls = sent();
    if (calls.some(c => c.properties?.subject === subject)) return calls;
    await jest.advanceTimersByTimeAsync(20);
  }
  throw new Error(`the event after the hostile one was not sent within 3 s; sent: ${sent().map(c => c.line)}`);
}

describe('SegmentAnalytics with hostile events', () => {
  it.each(cases)('$name', async ({ event, becomes, warnsAbout, check }) => {
    const analytics = SegmentAnalytics.fromConfig(new ConfigReader({ app: { analytics: { segment: { testMode: true } } } }));
    const hostile = event();

    let returned: unknown = 'not called';
    expect(() => {
      returned = analytics.captureEvent(hostile as any);
    }).not.toThrow();
    expect(returned).toBeUndefined();
    analytics.captureEvent({ action: 'click', subject: 'after', context });

    const calls = await untilSent('after');
    // Long enough for a rejection of the delivery loop to be reported as unhandled, inside this test.
    await jest.advanceTimersByTimeAsync(50);

    // The hostile event went out first (capture order), as JSON; or it was dropped.
    const expectedLines = [...(becomes ? [becomes] : []), 'analytics.track("click")'];
    expect(calls.map(c => c.line)).toEqual(expectedLines);
    expect(calls[calls.length - 1].properties.subject).toBe('after');
    for (const call of calls) {
      expect(() => JSON.stringify(call.properties)).not.toThrow();
      expect(typeof call.properties.subject).toBe('string');
      expect(typeof call.properties.action).toBe('string');
      expect(call.properties.action).not.toBe('');
    }
    check?.(calls[0].properties);

    // One warning (two when also dropped for size), each naming the action; none for a fine event.
    const warnings = warn.mock.calls.map(call => String(call[0]));
    expect(warnings.length > 0).toBe(warnsAbout !== undefined);
    expect(warnings.length).toBeLessThanOrEqual(2);
    expect(warnings.filter(w => !w.includes(`'${warnsAbout}'`))).toEqual([]);
  });

  it('warns once per action, not once per event', async () => {
    const analytics = SegmentAnalytics.fromConfig(new ConfigReader({ app: { analytics: { segment: { testMode: true } } } }));
    for (let i = 0; i < 5; i++) analytics.captureEvent(cyclic() as any);
    analytics.captureEvent({ action: 'click', subject: 'after', context });
    await untilSent('after');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(sent()).toHaveLength(6);
  });

  it('the event given is never changed, even when it is repaired', async () => {
    const analytics = SegmentAnalytics.fromConfig(new ConfigReader({ app: { analytics: { segment: { testMode: true } } } }));
    const event = cyclic();
    const attributes = event.attributes;
    analytics.captureEvent(event as any);
    await untilSent('cycle');
    expect(event.attributes).toBe(attributes);
    expect(attributes.self).toBe(attributes);
    expect(Object.keys(attributes)).toEqual(['a', 'self']);
  });
});
