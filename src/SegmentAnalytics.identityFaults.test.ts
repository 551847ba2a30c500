import { ConfigReader } from '@backstage/config';
import { SegmentAnalytics } from './SegmentAnalytics';
import { identityAnswering } from './__testUtils__/identityApis';

// Identity failures of any shape, through the whole module in test mode,
// with a console that throws whenever the module warns: the waiting events
// always end in the documented fallback (anonymous at once on a failure,
// after the time-out when nothing answers), and no rejection is left
// unhandled (jest-circus fails the running test on one: each test ends with
// a turn of the real event loop, a 0 ms timer, for Node to report it).

const REF = 'user:default/jane.doe';
const context = { routeRef: 'home', pluginId: 'app', extension: 'App' };
const TIMEOUT_MS = 60_000;

const hostile: Record<string, () => unknown> = {
  'a Symbol': () => Symbol('no identity'),
  'an object without a prototype': () => Object.create(null),
  'an object whose toString throws': () => ({
    toString() {
      throw new Error('toString');
    },
  }),
  'a Proxy that throws on every trap': () =>
    new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    ),
};

const identityApi = identityAnswering;
const user = identityApi(async () => ({ type: 'user', userEntityRef: REF, ownershipEntityRefs: [REF] }));

let info: jest.SpyInstance;
let warn: jest.SpyInstance;
beforeEach(() => {
  jest.useFakeTimers();
  info = jest.spyOn(console, 'info').mockImplementation(() => {});
  warn = jest.spyOn(console, 'warn').mockImplementation(() => {
    throw new Error('the console is broken');
  });
});
afterEach(async () => {
  await jest.advanceTimersByTimeAsync(0);
  jest.useRealTimers();
  jest.restoreAllMocks();
  await new Promise(r => setTimeout(r, 0));
});

function fromConfig(options: object, segment: object = {}) {
  return SegmentAnalytics.fromConfig(
    new ConfigReader({ app: { analytics: { segment: { testMode: true, identityTimeoutMs: TIMEOUT_MS, groups: true, ...segment } } } }),
    options,
  );
}

/** The user ids the test-mode lines of `click` events went out with. */
const clicks = () =>
  info.mock.calls.filter(c => String(c[0]).includes('analytics.track("click")')).map(c => c[2]?.userId ?? 'anonymous');

const cases: [string, object][] = [
  ...Object.entries(hostile).map(([what, reason]): [string, object] => [
    `the identity API rejecting with ${what}`,
    { identityApi: identityApi(() => Promise.reject(reason())) },
  ]),
  ...Object.entries(hostile).map(([what, reason]): [string, object] => [
    `the identity API throwing ${what} at once`,
    {
      identityApi: identityApi(() => {
        throw reason();
      }),
    },
  ]),
  ['the identity API answering null', { identityApi: identityApi(async () => null) }],
  ['the identity API answering a Proxy that throws on every read', { identityApi: identityApi(async () => hostile['a Proxy that throws on every trap']()) }],
  ...Object.entries(hostile).map(([what, reason]): [string, object] => [
    `a userIdTransform rejecting with ${what}`,
    { identityApi: user, userIdTransform: () => Promise.reject(reason()) },
  ]),
  ...Object.entries(hostile).map(([what, reason]): [string, object] => [
    `a userIdTransform resolving to ${what}`,
    { identityApi: user, userIdTransform: async () => reason() },
  ]),
  ...Object.entries(hostile).map(([what, reason]): [string, object] => [
    `with a transform, the identity API rejecting with ${what}`,
    { identityApi: identityApi(() => Promise.reject(reason())), userIdTransform: 'sha-256' },
  ]),
];

describe('SegmentAnalytics when identity fails, with a console that throws', () => {
  it.each(cases)('%s: events go out anonymous at once, none held', async (_label, options) => {
    const analytics = fromConfig(options);
    analytics.captureEvent({ action: 'click', subject: 'first', context });
    await jest.advanceTimersByTimeAsync(50);
    analytics.captureEvent({ action: 'click', subject: 'second', context });
    await jest.advanceTimersByTimeAsync(50);
    expect(clicks()).toEqual(['anonymous', 'anonymous']);
    expect(warn).toHaveBeenCalled();
    expect(JSON.stringify(info.mock.calls)).not.toContain(REF);
  });

  it('ownership refs that cannot be read: the user is still identified (groups are a bonus), one warning', async () => {
    const analytics = fromConfig({
      identityApi: identityApi(async () => ({
        userEntityRef: 'user:default/x',
        get ownershipEntityRefs() {
          throw Symbol('refs');
        },
      })),
    });
    analytics.captureEvent({ action: 'click', subject: 'a', context });
    await jest.advanceTimersByTimeAsync(50);
    expect(clicks()).toEqual(['user:default/x']);
    expect(warn.mock.calls.map(c => c[0])).toEqual(["Segment analytics: the user's groups could not be read and are not sent"]);
  });

  it('an identity that never answers: anonymous after the time-out, with a throwing console', async () => {
    const analytics = fromConfig({ identityApi: identityApi(() => new Promise(() => {})) });
    analytics.captureEvent({ action: 'click', subject: 'waiting', context });
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    expect(clicks()).toEqual([]);
    await jest.advanceTimersByTimeAsync(2);
    expect(clicks()).toEqual(['anonymous']);
  });

  it("a userIdTransform that never answers: an event naming the user's ref goes out after the time-out, not twice it", async () => {
    const analytics = fromConfig({ identityApi: user, userIdTransform: () => new Promise<string>(() => {}) });
    analytics.captureEvent({ action: 'click', subject: `profile of ${REF}`, context });
    analytics.captureEvent({ action: 'click', subject: 'plain', context });
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    expect(clicks()).toEqual([]);
    await jest.advanceTimersByTimeAsync(10); // the pseudonym's wait and the identity's end together
    expect(clicks()).toEqual(['anonymous', 'anonymous']);
    expect(JSON.stringify(info.mock.calls)).not.toContain('jane.doe');
  });

  it('a console whose every method throws, info included: captureEvent still never throws', async () => {
    info.mockImplementation(() => {
      throw new Error('broken too');
    });
    const analytics = fromConfig({ identityApi: identityApi(() => Promise.reject(Symbol('x'))) }, { debug: true });
    expect(() => analytics.captureEvent({ action: 'click', subject: 'a', context })).not.toThrow();
    await jest.advanceTimersByTimeAsync(50);
    expect(info).toHaveBeenCalled();
  });
});
