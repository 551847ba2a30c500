import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Server } from 'node:http';
import request from 'supertest';
import { segmentAnalyticsPlugin } from '../plugin';
import { startFakeSegment, type FakeSegment } from './fakeSegment';
import { recordingLogger } from './recordingLogger';

/** The secrets every relay test is configured with: none may appear in an answer or a log line. */
export const WRITE_KEY = 'wk-relay-test-5f0c2a';
export const HMAC_KEY = 'hmac-relay-test-0123456789abcdef0123';

/** The origin of the app the tests' backend serves (`app.baseUrl`). */
export const APP_ORIGIN = 'http://localhost:3000';

/** The signed-in user of the tests, and their cookie as Backstage's mock auth issues it. */
export const ALICE = 'user:default/alice';
export const ALICE_COOKIE = mockCredentials.limitedUser.cookie(ALICE);

/** Options of {@link startRelay}. */
export type RelayOptions = {
  upstreamUrl: string;
  /** More `segmentAnalytics` keys. */
  config?: Record<string, unknown>;
  /** Ownership refs the user-info service gives for every user. */
  ownership?: string[];
};

/** A started test backend with the relay. */
export type StartedRelay = {
  server: Server;
  /** Every line logged by any part of the backend. */
  logs: string[];
  /** Resolves with the first line logged, before or after the call, that matches `pattern`. */
  logged(pattern: RegExp): Promise<string>;
  /** How many times the user-info service was asked. */
  lookups: { count: number };
};

/**
 * Starts a test backend with the relay, Backstage's real HTTP router and auth
 * barrier over mock credentials (a request without a cookie or token has none),
 * a user-info service that counts its lookups, and a logger that keeps every line.
 */
export async function startRelay({ upstreamUrl, config = {}, ownership = [ALICE] }: RelayOptions): Promise<StartedRelay> {
  const logger = recordingLogger();
  const lookups = { count: 0 };
  const userInfo = createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials) {
        lookups.count++;
        const principal = credentials.principal as { type: string; userEntityRef?: string };
        if (principal.type !== 'user') throw new Error('not a user');
        return { userEntityRef: principal.userEntityRef!, ownershipEntityRefs: ownership };
      },
    }),
  });
  const { server } = await startTestBackend({
    features: [
      segmentAnalyticsPlugin,
      mockServices.rootConfig.factory({
        data: { app: { baseUrl: APP_ORIGIN }, segmentAnalytics: { writeKey: WRITE_KEY, hmacKey: HMAC_KEY, upstreamUrl, ...config } },
      }),
      mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
      logger.factory,
      userInfo,
    ],
  });
  return { server: server as unknown as Server, logs: logger.lines, logged: logger.logged, lookups };
}

/**
 * Posts to the relay the way analytics-next does: JSON as `text/plain`, its
 * `Authorization: Basic base64(writeKey:)` (a placeholder key), and the user's
 * cookie unless `cookie` is `null`.
 */
export function post(server: Parameters<typeof request>[0], path: string, body: unknown, headers: Record<string, string | null> = {}) {
  const all: Record<string, string | null> = {
    'Content-Type': 'text/plain',
    Authorization: `Basic ${Buffer.from('placeholder:').toString('base64')}`,
    Cookie: ALICE_COOKIE,
    ...headers,
  };
  let req = request(server).post(`/api/segment-analytics/v1/${path}`);
  for (const [name, value] of Object.entries(all)) if (value !== null) req = req.set(name, value);
  return req.send(typeof body === 'string' ? body : JSON.stringify(body));
}

let sequence = 0;

/** A track call as analytics-next sends it, with a fresh messageId. */
export function trackCall(fields: Record<string, unknown> = {}) {
  sequence++;
  return {
    type: 'track',
    event: 'click',
    properties: { subject: 'link', action: 'click' },
    messageId: `ajs-next-1795000000000-${sequence}`,
    anonymousId: 'anon-7f3e',
    timestamp: '2026-12-02T10:00:00.000Z',
    context: { page: { path: '/catalog' }, library: { name: 'analytics.js', version: 'npm:next-1.84.3' } },
    integrations: {},
    writeKey: 'placeholder',
    sentAt: '2026-12-02T10:00:00.500Z',
    ...fields,
  };
}

/** The fake Segment API and the relay of one `describe` block (see {@link useRelay}). */
export type RelayFixture = { segment: FakeSegment; relay: StartedRelay };

/**
 * Before the tests of the enclosing `describe`, starts a fake Segment API and a
 * relay forwarding to it; after them, stops the fake (the test backend stops by itself).
 */
export function useRelay(options: Omit<RelayOptions, 'upstreamUrl'> = {}): RelayFixture {
  const fixture = {} as RelayFixture;
  beforeAll(async () => {
    fixture.segment = await startFakeSegment();
    fixture.relay = await startRelay({ ...options, upstreamUrl: fixture.segment.url });
  });
  afterAll(() => fixture.segment.close());
  return fixture;
}
