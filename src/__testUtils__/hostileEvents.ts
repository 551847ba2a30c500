import { ConfigReader } from '@backstage/config';
import { SegmentAnalytics } from '../SegmentAnalytics';

// Hostile events, as a careless or malicious plugin could pass them, run
// through the whole module in test mode (the same delivery queue as with the
// real library; the transport logs instead of sending).

/** The context of an ordinary event. */
export const context = { routeRef: 'home', pluginId: 'app', extension: 'App' };

/** A Proxy whose every trap throws. */
export function throwingProxy(): any {
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

/** A value nested `levels` deep. */
export function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i++) value = { child: value };
  return value;
}

/** How deep a value is nested. */
export function depthOf(value: unknown): number {
  if (!value || typeof value !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

export { deepFreeze } from './deepFreeze';

/** A call test mode logged. */
export type Sent = { line: string; properties: any };

/** A hostile event and what it must become. */
export type Case = {
  name: string;
  event: () => unknown;
  /** The Segment call it must become: `analytics.track("x")` or `analytics.page()`; undefined when it must be dropped. */
  becomes: string | undefined;
  /** The action a warning must name; undefined when the event is fine and gives no warning. */
  warnsAbout?: string;
  check?: (properties: any) => void;
};

/** A click whose attributes hold a cycle. */
export const cyclic = () => {
  const attributes: Record<string, unknown> = { a: 1 };
  attributes.self = attributes;
  return { action: 'click', subject: 'cycle', attributes, context };
};

// Unhandled rejections: jest-circus (30) listens for 'unhandledRejection' on
// the real process and fails the test that was running when one happened;
// the `process` a test file sees is a sandboxed copy whose listeners never
// fire, so each case waits a little after the last send for any rejection
// to surface inside it (checked by hand: a bare `Promise.reject(new Error())`
// in a test fails it with that error).

/**
 * Sets up a test file for hostile events: fake timers (test mode needs no
 * network or crypto) and the console watched. Returns what test mode sent,
 * a wait for an event, and the warnings.
 */
export function watchTestMode() {
  let info: jest.SpyInstance;
  let warn: jest.SpyInstance;
  beforeEach(() => {
    jest.useFakeTimers();
    info = jest.spyOn(console, 'info').mockImplementation(() => {});
    warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });
  const sent = (): Sent[] =>
    info.mock.calls
      .filter(call => String(call[0]).startsWith('[segment test mode] analytics.'))
      .map(call => ({ line: String(call[0]).replace('[segment test mode] ', ''), properties: call[1] }));
  /** Lets fake time run until the event with `subject` has gone out; fails after 3 s of it. */
  const untilSent = async (subject: string): Promise<Sent[]> => {
    for (let waited = 0; waited <= 3000; waited += 20) {
      const calls = sent();
      if (calls.some(c => c.properties?.subject === subject)) return calls;
      await jest.advanceTimersByTimeAsync(20);
    }
    throw new Error(`the event after the hostile one was not sent within 3 s; sent: ${sent().map(c => c.line)}`);
  };
  return { sent, untilSent, warnings: () => warn.mock.calls.map(call => String(call[0])), warn: () => warn };
}

/** A module instance in test mode. */
export const testModeAnalytics = () =>
  SegmentAnalytics.fromConfig(new ConfigReader({ app: { analytics: { segment: { testMode: true } } } }));

/**
 * Runs one hostile case: it must not throw, return undefined, come out as
 * JSON first (or be dropped), never hold back the next ordinary event, and
 * warn once (twice when also dropped for size) naming its action, or not at
 * all when the event is fine.
 */
export async function expectHostileCase({ event, becomes, warnsAbout, check }: Case, watch: ReturnType<typeof watchTestMode>) {
  const analytics = testModeAnalytics();
  const hostile = event();
  let returned: unknown = 'not called';
  expect(() => {
    returned = analytics.captureEvent(hostile as any);
  }).not.toThrow();
  expect(returned).toBeUndefined();
  analytics.captureEvent({ action: 'click', subject: 'after', context });

  const calls = await watch.untilSent('after');
  // Long enough for a rejection of the delivery loop to be reported as unhandled, inside this test.
  await jest.advanceTimersByTimeAsync(50);

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

  const warnings = watch.warnings();
  expect(warnings.length > 0).toBe(warnsAbout !== undefined);
  expect(warnings.length).toBeLessThanOrEqual(2);
  expect(warnings.filter(w => !w.includes(`'${warnsAbout}'`))).toEqual([]);
}
