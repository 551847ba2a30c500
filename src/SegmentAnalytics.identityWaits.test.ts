import { ConfigReader } from '@backstage/config';
import type { StorageApi } from '@backstage/core-plugin-api';
import { SegmentAnalytics } from './SegmentAnalytics';
import { identityAnswering } from './__testUtils__/identityApis';

// How long events wait for the user's identity, through the whole module in
// test mode: at most `identityTimeoutMs` in all, where a wait for the user's
// pseudonym counts towards it; a wait for something else (the user's stored
// choice, read only once they have signed in) does not, so that a sign-in
// page left after the time-out still has its events attributed.

const REF = 'user:default/jane.doe';
const context = { routeRef: 'r', pluginId: 'root', extension: 'App' };
let info: jest.SpyInstance;
let warn: jest.SpyInstance;
beforeEach(() => {
  jest.useFakeTimers();
  info = jest.spyOn(console, 'info').mockImplementation(() => {});
  warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(async () => {
  await jest.advanceTimersByTimeAsync(0);
  jest.useRealTimers();
  jest.restoreAllMocks();
});

/** A StorageApi whose stored choice (none) is known only `afterMs` after sign-in, as the user-settings backend's. */
function storageAfterSignIn(signedIn: Promise<void>, afterMs: number): StorageApi {
  const unknown = { key: 'consent', presence: 'unknown' as const };
  const bucket = {
    snapshot: () => unknown,
    observe$: () => ({
      // Subscribed with an observer or a function, as StorageApi observables may be.
      subscribe: (observer: ((value: unknown) => void) | { next?: (value: unknown) => void }) => {
        const next = typeof observer === 'function' ? observer : observer.next;
        signedIn.then(() => setTimeout(() => next?.({ key: 'consent', presence: 'absent' }), afterMs));
        return { unsubscribe() {}, closed: false };
      },
    }),
  };
  return { forBucket: () => bucket, snapshot: () => unknown } as unknown as StorageApi;
}

/** An identity API that answers once `signIn` is called (the user on the sign-in page until then). */
function signingIn() {
  let signIn!: () => void;
  const signedIn = new Promise<void>(resolve => (signIn = resolve));
  const identityApi = identityAnswering(async () => {
    await signedIn;
    return { type: 'user', userEntityRef: REF, ownershipEntityRefs: [REF] };
  });
  return { signIn, signedIn, identityApi };
}

/** `<type>:<name> <userId or anonymous>` for each call test mode logged. */
const sent = () =>
  info.mock.calls
    .filter(c => String(c[0]).includes('test mode') && !String(c[0]).includes('identify('))
    .map(c => {
      const name = /analytics\.(\w+)\("?([^")]*)/.exec(String(c[0])) ?? [];
      return `${name[1]}:${name[2]} ${(c[2] as { userId?: string } | undefined)?.userId ?? 'anonymous'}`;
    });

describe('SegmentAnalytics: how long events wait for the identity', () => {
  it.each([
    ['after the time-out', 7000, 0],
    ['after the time-out, the system clock stepping an hour ahead meanwhile', 7000, 3_600_000],
    ['before the time-out', 3000, 0],
  ])(
    "the sign-in page's events, held for the user's stored choice until sign-in (%s), are the user's when their id comes 300 ms later",
    async (_, signInAtMs, clockStepMs) => {
      const { signIn, signedIn, identityApi } = signingIn();
      // A pseudonym service: the user's id comes 300 ms after their ref.
      const userIdTransform = (ref: string) => new Promise<string>(resolve => setTimeout(() => resolve(`p-${ref.length}`), 300));
      const analytics = SegmentAnalytics.fromConfig(
        new ConfigReader({ app: { analytics: { segment: { testMode: true } } } }),
        { identityApi, userIdTransform, storageApi: storageAfterSignIn(signedIn, 50) },
      );
      analytics.captureEvent({ action: 'navigate', subject: '/', context }); // the sign-in page
      await jest.advanceTimersByTimeAsync(signInAtMs);
      if (clockStepMs) jest.setSystemTime(Date.now() + clockStepMs);
      signIn();
      analytics.captureEvent({ action: 'signIn', subject: 'success', context }); // Backstage: just after the sign-in
      await jest.advanceTimersByTimeAsync(4000); // the page call waits up to 3 s for its title (jsdom sets none)
      expect(sent()).toEqual(['page: p-21', 'track:signIn p-21']);
      expect(warn).not.toHaveBeenCalled();
    },
  );
});

describe("SegmentAnalytics: the user's stored choice waits for sign-in, not for their transform", () => {
  it.each([
    ['answers with nothing stored', 'absent', []],
    ['is not read in time', 'never', ["the user's analytics choice was not known after 3000 ms"]],
  ])(
    'a userIdTransform that never answers: the choice %s after sign-in, the default applies and the events go out anonymously',
    async (_, answer, choiceWarnings) => {
      const { signIn, signedIn, identityApi } = signingIn();
      const userIdTransform = () => new Promise<string>(() => {});
      const storageApi = answer === 'never' ? storageAfterSignIn(new Promise(() => {}), 0) : storageAfterSignIn(signedIn, 50);
      const analytics = SegmentAnalytics.fromConfig(
        new ConfigReader({ app: { analytics: { segment: { testMode: true, identityTimeoutMs: 2000 } } } }),
        { identityApi, userIdTransform, storageApi },
      );
      analytics.captureEvent({ action: 'navigate', subject: '/', context }); // the sign-in page
      await jest.advanceTimersByTimeAsync(5000);
      signIn();
      analytics.captureEvent({ action: 'signIn', subject: 'success', context });
      // The choice's wait (3 s after sign-in at most), the identity's (2 s), the page call's title (3 s).
      await jest.advanceTimersByTimeAsync(10_000);
      expect(sent()).toEqual(['page: anonymous', 'track:signIn anonymous']);
      const warnings = [...choiceWarnings, "the user's identity was not known after 2000 ms"];
      expect(warn.mock.calls.map(c => String(c[0]))).toEqual(warnings.map(w => expect.stringContaining(w)));
    },
  );
});
