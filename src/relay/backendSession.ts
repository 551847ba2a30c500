import type { Scheduler } from '../time/scheduler';

/** The least time before a cookie expires at which it is refreshed, in milliseconds. */
const REFRESH_LEAD_MIN_MS = 60_000;
/** The most: the refresh falls at a random time between the two, as Backstage's own refresher does. */
const REFRESH_LEAD_MAX_MS = 240_000;
/** The first retry after a failed attempt; each further failure doubles it, up to {@link RETRY_MAX_MS}. */
const RETRY_FIRST_MS = 5_000;
/** The longest wait between two attempts. */
const RETRY_MAX_MS = 300_000;
/** The least time between two refreshes, whatever `expiresAt` says. */
const MIN_DELAY_MS = 10_000;
/** A cookie request not answered within this long is a failed attempt (retried): one that hangs must not stop analytics. */
const ATTEMPT_TIMEOUT_MS = 30_000;
/** How often a page whose browser another person has signed in to since looks again, asking for no cookie meanwhile. */
const OTHER_USER_RECHECK_MS = 60_000;

/** Where the relay's user cookie stands (`shortLived`: answers in a row whose cookie had expired by this browser's clock). */
export type SessionState =
  | { kind: 'starting' }
  | { kind: 'active'; expiresAt: number; shortLived: number }
  | { kind: 'retrying'; failures: number }
  | { kind: 'stopped' };

/** What the fetch of a cookie request answers: only these are read. */
export type CookieResponse = { ok: boolean; status: number; json(): Promise<unknown> };

/** Options of {@link startBackendSession}. */
export type BackendSessionOptions = {
  /** The relay's base URL, `{backend.baseUrl}/api/segment-analytics`. */
  relayUrl: string;
  /** The signed-in user's Backstage token (`identityApi.getCredentials`). */
  getCredentials: () => Promise<{ token?: string }>;
  fetch: (url: string, init: RequestInit) => Promise<CookieResponse>;
  scheduler: Scheduler;
  /** A number in [0, 1): where between the two leads a refresh falls. */
  random?: () => number;
  /** Told once, at the first failure; never given the token. */
  warn: (message: string) => void;
  /**
   * True when another person has signed in to this browser since this page's
   * user did (in another tab): after the first cookie, no cookie is asked for
   * then, which would put this page's user's back in the browser, and the
   * other person's calls would go out as this user's.
   */
  anotherUserSignedIn?: () => boolean;
};

/** The relay's user cookie, obtained and kept fresh (see {@link startBackendSession}). */
export type BackendSession = {
  /**
   * Resolves once the relay has given the signed-in user's cookie (the first
   * successful attempt); never rejects. Until then a call would go out with
   * no cookie, or with the cookie of whoever signed in before in this
   * browser, which the relay would take for theirs.
   */
  ready: Promise<void>;
  state(): SessionState;
  /** Refreshes now if a refresh or retry is due (timers of a hidden or sleeping page run late). */
  refreshIfDue(): void;
  /**
   * The relay refused a call for want of the user's cookie (401: cleared,
   * or its signing keys replaced, before the refresh was due): refreshes now,
   * or 10 s after the last attempt began (none under way, none sooner due).
   * Returns whether the refusal tells of a problem: false while a refresh
   * one asked for is still to come (calls sent meanwhile carry the old
   * cookie); true for the first one, and for one after that refresh gave a cookie.
   */
  refused(): boolean;
  /** Stops refreshing. */
  stop(): void;
};

/**
 * Why an attempt failed, for the one warning: a status or an error's kind,
 * never a token; `whatHelps` replaces the warning's default last sentence.
 */
class AttemptFailed extends Error {
  constructor(
    message: string,
    readonly whatHelps = 'Calls wait and are retried until it works.',
  ) {
    super(message);
  }
}

/** Said of a user without a token: retrying does not help that one. */
const NO_TOKEN_HELP =
  'Calls wait (kept across a reload) and go out once the user has one: a sign-in that did not go through the backend ' +
  "(Backstage's legacy guest sign-in while the backend was unreachable) has none until the user signs in again.";

/**
 * Obtains the Segment relay's user cookie and keeps it fresh, for
 * `delivery: backend`.
 *
 * @remarks
 * A `GET` of `{relayUrl}/.backstage/auth/v1/cookie` with the user's Backstage
 * token as `Bearer`, `credentials: 'include'` so the browser stores the
 * `HttpOnly` cookie. Backstage keeps a cookie the browser holds only when it
 * is the same user's and has more than 5 minutes left, so a cookie of
 * another user who signed in before in this browser is replaced. No
 * `DELETE` first: the cookie is Backstage's one `backstage-auth` cookie of
 * the backend's host, which the app backend's protected mode also needs. Its answer's `expiresAt` sets the refresh: 1 to 4 minutes before,
 * at random. A failed attempt (no token, network, a status other than 2xx) is
 * retried after 5 s, doubling up to 5 min, with one warning. The library is
 * loaded once `ready` (the first cookie): calls wait for it, also while the
 * user is on the sign-in page, where `getCredentials` waits. Should a refresh
 * fail later, calls sent meanwhile are answered 401 once the cookie has
 * expired, which the library retries (see `withRelayOptions`).
 */
export function startBackendSession(options: BackendSessionOptions): BackendSession {
  const { relayUrl, scheduler, random = Math.random } = options;
  const endpoint = `${relayUrl}/.backstage/auth/v1/cookie`;
  let state: SessionState = { kind: 'starting' };
  let timer: unknown;
  let dueAt = Infinity;
  let inFlight = false;
  let warned = false;
  let warnedOfClock = false;
  /** A refresh for a refusal is to come (scheduled or under way) and has not given a cookie yet. */
  let fixing = false;
  let settleReady: () => void = () => {};
  const ready = new Promise<void>(resolve => {
    settleReady = resolve;
  });

  /** The relay's answer (its body read), or a failure after {@link ATTEMPT_TIMEOUT_MS}. */
  const request = (token: string) => {
    const init: RequestInit = { method: 'GET', credentials: 'include', headers: { Authorization: `Bearer ${token}` } };
    const answered = (async () => {
      const response = await options.fetch(endpoint, init).catch(() => {
        throw new AttemptFailed('the request failed (network, CORS or blocked)');
      });
      if (!response.ok) throw new AttemptFailed(`answered ${response.status}`);
      return (await response.json().catch(() => undefined)) as { expiresAt?: unknown } | undefined;
    })();
    let deadline: unknown;
    const timedOut = new Promise<never>((_, fail) => {
      deadline = scheduler.setTimeout(() => fail(new AttemptFailed(`no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`)), ATTEMPT_TIMEOUT_MS);
    });
    return Promise.race([answered, timedOut]).finally(() => scheduler.clearTimeout(deadline));
  };

  const attempt = async (): Promise<number> => {
    const { token } = await options.getCredentials().catch(() => ({ token: undefined }));
    if (typeof token !== 'string' || !token) throw new AttemptFailed('the signed-in user has no Backstage token', NO_TOKEN_HELP);
    const body = await request(token);
    const expiresAt = typeof body?.expiresAt === 'string' ? Date.parse(body.expiresAt) : NaN;
    if (Number.isNaN(expiresAt)) throw new AttemptFailed('answered without a valid expiresAt');
    return expiresAt;
  };

  const schedule = (delay: number) => {
    scheduler.clearTimeout(timer);
    dueAt = scheduler.wallNow() + delay;
    timer = scheduler.setTimeout(run, delay);
  };

  let lastAttemptAt = -Infinity;
  function run() {
    if (inFlight || state.kind === 'stopped') return;
    if (state.kind !== 'starting' && options.anotherUserSignedIn?.()) {
      schedule(OTHER_USER_RECHECK_MS);
      return;
    }
    inFlight = true;
    lastAttemptAt = scheduler.wallNow();
    attempt().then(
      expiresAt => {
        inFlight = false;
        fixing = false;
        if (state.kind === 'stopped') return;
        const lead = REFRESH_LEAD_MIN_MS + random() * (REFRESH_LEAD_MAX_MS - REFRESH_LEAD_MIN_MS);
        const now = scheduler.wallNow();
        // A cookie just given that has already expired tells of this browser's clock being ahead of the
        // backend's (one near its end is normal: it expires with the user's token): asking again every
        // few seconds would not help, so it is asked for as a failure is retried.
        const shortLived = expiresAt <= now ? (state.kind === 'active' ? state.shortLived : 0) + 1 : 0;
        state = { kind: 'active', expiresAt, shortLived };
        if (shortLived === 1 && !warnedOfClock) {
          warnedOfClock = true;
          options.warn(
            `Segment analytics: the session cookie of the backend relay (${endpoint}) expired ${Math.round((now - expiresAt) / 1000)} s ago ` +
              "by this browser's clock, which may be ahead of the backend's: it is asked for again every 5 s to 5 min instead.",
          );
        }
        schedule(shortLived ? retryDelay(shortLived) : Math.max(MIN_DELAY_MS, expiresAt - lead - now));
        settleReady();
      },
      error => {
        inFlight = false;
        if (state.kind === 'stopped') return;
        const failures = state.kind === 'retrying' ? state.failures + 1 : 1;
        state = { kind: 'retrying', failures };
        if (!warned) {
          warned = true;
          const failed = error instanceof AttemptFailed ? error : new AttemptFailed('an unexpected error');
          options.warn(`Segment analytics: could not get the session cookie of the backend relay (${endpoint}): ${failed.message}. ${failed.whatHelps}`);
        }
        schedule(retryDelay(failures));
      },
    );
  }

  run();
  return {
    ready,
    state: () => state,
    refreshIfDue() {
      if (state.kind !== 'stopped' && !inFlight && scheduler.wallNow() >= dueAt) {
        scheduler.clearTimeout(timer);
        run();
      }
    },
    refused() {
      if (state.kind === 'stopped' || (state.kind === 'active' && state.shortLived)) return true;
      const first = !fixing;
      fixing = true;
      if (inFlight) return first;
      const now = scheduler.wallNow();
      // At most 10 s away, whichever way the wall clock stepped since the last attempt.
      const wait = Math.min(MIN_DELAY_MS, Math.max(0, lastAttemptAt + MIN_DELAY_MS - now));
      // A refresh overdue by the wall clock whose timer has not run (the computer slept) counts as none.
      if (now + wait < dueAt || now >= dueAt) schedule(wait);
      return first;
    },
    stop() {
      state = { kind: 'stopped' };
      scheduler.clearTimeout(timer);
    },
  };
}

/** The wait before attempt `count` after failures (or short-lived cookies) in a row: 5 s, doubling up to 5 min. */
function retryDelay(count: number): number {
  return Math.min(RETRY_FIRST_MS * 2 ** (count - 1), RETRY_MAX_MS);
}
