import { ConfigReader } from '@backstage/config';
import { SegmentAnalytics } from './SegmentAnalytics';
import { identityAnswering } from './__testUtils__/identityApis';
import { MAX_USER_ID_LENGTH } from './identity/transformEntityRef';
import { untilRealWork } from './__testUtils__/realWork';

// How the user id may and may not come out, through the whole module in test
// mode: the console is what a user would see, so every console line is checked.

const REF = 'user:default/Jane.Doe';
const context = { routeRef: 'home', pluginId: 'app', extension: 'App' };

const identityApi = (fail?: Error) =>
  identityAnswering(async () => {
    if (fail) throw fail;
    return { type: 'user', userEntityRef: REF, ownershipEntityRefs: [REF] };
  });

function fromSegment(segment: object, options: object = {}) {
  return SegmentAnalytics.fromConfig(
    new ConfigReader({ app: { analytics: { segment: { testMode: true, ...segment } } } }),
    options as any,
  );
}

let spies: Record<'info' | 'warn' | 'error' | 'log' | 'debug', jest.SpyInstance>;
beforeEach(() => {
  spies = {
    info: jest.spyOn(console, 'info').mockImplementation(() => {}),
    warn: jest.spyOn(console, 'warn').mockImplementation(() => {}),
    error: jest.spyOn(console, 'error').mockImplementation(() => {}),
    log: jest.spyOn(console, 'log').mockImplementation(() => {}),
    debug: jest.spyOn(console, 'debug').mockImplementation(() => {}),
  };
});
afterEach(() => jest.restoreAllMocks());

/** Everything printed to the console, as one string. */
const consoleText = () =>
  Object.values(spies)
    .flatMap(spy => spy.mock.calls)
    .map(args => JSON.stringify(args.map((a: unknown) => (typeof a === 'string' ? a : JSON.stringify(a) ?? String(a)))))
    .join('\n');

/** Sends one event and waits until test mode logged it; returns the user id it went out with. */
async function sendOne(analytics: SegmentAnalytics): Promise<{ userId: unknown; identified: string[] }> {
  analytics.captureEvent({ action: 'click', subject: 'probe', context });
  const sentCall = () => spies.info.mock.calls.find(c => String(c[0]).includes('analytics.track("click")'));
  await untilRealWork(() => sentCall() !== undefined, 'the event logged by test mode', 3000);
  const identified = spies.info.mock.calls.map(c => String(c[0])).filter(l => l.includes('identify('));
  return { userId: sentCall()?.[2]?.userId, identified };
}

const noRef = (text: string) => {
  expect(text.toLowerCase()).not.toContain(REF.toLowerCase());
  expect(text.toLowerCase()).not.toContain('jane.doe');
};

describe('an invalid userIdTransform code option is an error at fromConfig (never plaintext)', () => {
  it.each<[string, unknown]>([
    ['an empty string', ''],
    ['null', null],
    ['false', false],
    ['0', 0],
    ['NaN', NaN],
    ["'SHA-256' (wrong case)", 'SHA-256'],
    ["'none' (config only)", 'none'],
    ["'md5'", 'md5'],
    ['an object', { transform: 'sha-256' }],
    ['a number', 42],
  ])('%s', (_name, userIdTransform) => {
    for (const configured of ['sha-256', 'none']) {
      expect(() =>
        fromSegment({ userIdTransform: configured }, { identityApi: identityApi(), userIdTransform }),
      ).toThrow(/userIdTransform.*expected 'sha-256' or an async function/);
    }
    // Backstage swallows what an API factory throws: the error is printed, once per config object.
    expect(spies.error).toHaveBeenCalledTimes(2);
    expect(spies.error.mock.calls[0][0]).toMatch(
      /^Segment analytics is off: Invalid option userIdTransform of SegmentAnalytics\.fromConfig: expected 'sha-256'/,
    );
  });

  it('undefined means "not given": the config decides', async () => {
    const analytics = fromSegment({ userIdTransform: 'sha-256' }, { identityApi: identityApi(), userIdTransform: undefined });
    const { userId } = await sendOne(analytics);
    expect(userId).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('a custom transform whose id is refused: events anonymous, one warning, the ref nowhere', () => {
  it.each<[string, (ref: string) => string]>([
    ['the ref itself', ref => ref],
    ['the ref upper-cased', ref => ref.toUpperCase()],
    ['the ref lower-cased', ref => ref.toLowerCase()],
    ['the ref with spaces around it', ref => `  ${ref}\n`],
    ['the ref inside a longer id', ref => `id-${ref}-v2`],
    ['a 40 KB id', () => 'x'.repeat(40 * 1024)],
    [`an id of ${MAX_USER_ID_LENGTH + 1} characters`, () => 'y'.repeat(MAX_USER_ID_LENGTH + 1)],
    ['a blank id', () => '   '],
  ])('%s', async (_name, make) => {
    const analytics = fromSegment({}, { identityApi: identityApi(), userIdTransform: async (ref: string) => make(ref) });
    const { userId, identified } = await sendOne(analytics);
    expect(userId).toBeUndefined();
    expect(identified).toEqual([]);
    expect(spies.warn).toHaveBeenCalledTimes(1);
    expect(String(spies.warn.mock.calls[0][0])).toMatch(/anonymous/);
    noRef(consoleText());
  });

  it(`an id of exactly ${MAX_USER_ID_LENGTH} characters is accepted`, async () => {
    const id = 'z'.repeat(MAX_USER_ID_LENGTH);
    const analytics = fromSegment({}, { identityApi: identityApi(), userIdTransform: async () => id });
    const { userId } = await sendOne(analytics);
    expect(userId).toBe(id);
    expect(spies.warn).not.toHaveBeenCalled();
  });
});

describe('with a transform, identity and transform errors never bring the ref to the console', () => {
  it.each<[string, object]>([
    [
      'a transform rejecting with the ref in its message',
      {
        identityApi: identityApi(),
        userIdTransform: async (ref: string) => {
          throw new Error(`no pseudonym for ${ref}`);
        },
      },
    ],
    [
      'a transform throwing synchronously with the ref',
      {
        identityApi: identityApi(),
        userIdTransform: (ref: string) => {
          throw new TypeError(`bad ${ref}`);
        },
      },
    ],
    [
      'an identity API failing with the ref in its message, custom transform',
      { identityApi: identityApi(new Error(`session of ${REF} expired`)), userIdTransform: async () => 'pseudo' },
    ],
  ])('%s', async (_name, options) => {
    const analytics = fromSegment({}, options);
    const { userId } = await sendOne(analytics);
    expect(userId).toBeUndefined();
    expect(spies.warn).toHaveBeenCalledTimes(1);
    noRef(consoleText());
  });

  it("the same with the 'sha-256' config transform and a failing identity API", async () => {
    const analytics = fromSegment({ userIdTransform: 'sha-256' }, { identityApi: identityApi(new Error(`no ${REF}`)) });
    const { userId } = await sendOne(analytics);
    expect(userId).toBeUndefined();
    noRef(consoleText());
  });
});

describe('userIdSalt without sha-256 gives one warning at fromConfig', () => {
  it.each<[string, object, object, boolean]>([
    ['salt, no transform', { userIdSalt: 'pepper' }, {}, true],
    ["salt, transform 'none'", { userIdSalt: 'pepper', userIdTransform: 'none' }, {}, true],
    ['salt, config sha-256 but a custom code transform wins', { userIdSalt: 'pepper', userIdTransform: 'sha-256' }, { userIdTransform: async () => 'p' }, true],
    ["salt, config sha-256", { userIdSalt: 'pepper', userIdTransform: 'sha-256' }, {}, false],
    ["salt, code option 'sha-256'", { userIdSalt: 'pepper' }, { userIdTransform: 'sha-256' }, false],
    ['no salt', {}, {}, false],
    ['salt keying the search terms, no transform', { userIdSalt: 'pepper', redact: { searchTerms: 'sha-256' } }, {}, false],
    ['salt, search terms only redacted (not hashed), no transform', { userIdSalt: 'pepper', redact: { searchTerms: true } }, {}, true],
  ])('%s', (_name, segment, options, warns) => {
    fromSegment(segment, { identityApi: identityApi(), ...options });
    const warnings = spies.warn.mock.calls.map(call => String(call[0]));
    const saltWarning = /app\.analytics\.segment\.userIdSalt has no effect/;
    expect(warnings.length).toBe(warns ? 1 : 0);
    expect(warnings.filter(w => !saltWarning.test(w))).toEqual([]);
    expect(consoleText()).not.toContain('pepper');
  });
});
