import { BackendSessionOptions, CookieResponse, startBackendSession } from '../relay/backendSession';
import { wallClockScheduler } from './fakeTime';

// The relay session's tests: a relay's cookie endpoint that answers as told, a session on it, fake time.

export const RELAY = 'https://backstage.example.com/api/segment-analytics';
export const COOKIE_URL = `${RELAY}/.backstage/auth/v1/cookie`;
export const MINUTE = 60_000;

/** Fake time moved on by `ms`, its timers and promises run. */
export const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

/** A relay's cookie endpoint: answers in turn from `answers` (the last one repeats), records each request. */
export function fakeRelay(answers: Array<number | 'network' | 'hang'>) {
  const requests: Array<{ method: string; url: string; authorization?: string; credentials?: string }> = [];
  let gets = 0;
  const fetch = jest.fn(async (url: string, init: RequestInit): Promise<CookieResponse> => {
    const headers = init.headers as Record<string, string>;
    requests.push({ method: String(init.method), url, authorization: headers.Authorization, credentials: init.credentials });
    const answer = answers[Math.min(gets++, answers.length - 1)];
    if (answer === 'network') throw new TypeError('Failed to fetch');
    if (answer === 'hang') return new Promise(() => {});
    const expiresAt = new Date(Date.now() + 60 * MINUTE).toISOString();
    return { ok: answer < 300, status: answer, json: async () => ({ expiresAt }) };
  });
  return { fetch, requests, gets: () => requests.filter(r => r.method === 'GET').length };
}

/** A session on `relay` with the user's token `user-token` and a recording `warn`; `overrides` change any option. */
export function startSession(relay: ReturnType<typeof fakeRelay>, overrides: Partial<BackendSessionOptions> = {}) {
  const warn = jest.fn();
  const session = startBackendSession({
    relayUrl: RELAY,
    getCredentials: async () => ({ token: 'user-token' }),
    fetch: relay.fetch,
    scheduler: wallClockScheduler,
    random: () => 0.5,
    warn,
    ...overrides,
  });
  return { session, warn };
}

/** Fake timers in every test, the wall clock at 2026-12-02T12:00:00Z. */
export function setupSessionClock(): void {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(new Date('2026-12-02T12:00:00Z'));
  });
  afterEach(() => jest.useRealTimers());
}
