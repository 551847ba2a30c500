import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  CacheService,
  HttpAuthService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { Request, Response } from 'express';
import Router from 'express-promise-router';
import type { RelayConfig } from '../config/RelayConfig';
import { resolveCaller } from '../identity/resolveCaller';
import { forward } from '../upstream/forward';
import { BATCH_PATH, MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, SINGLE_CALL_PATHS } from '../wire/limits';
import { bodyShape } from '../wire/bodyShape';
import { readRequest, type RelayRequest } from '../wire/readRequest';
import { rewriteMessages } from '../wire/rewriteMessages';
import { clientAddress } from './clientAddress';
import { createCrossSiteLog } from './crossSiteLog';
import { createFailureLog } from './failureLog';
import { createInFlightLimit, GROUP_CALL_CHARGE, inFlightCharge, MAX_BYTES_IN_FLIGHT, MAX_REQUESTS_IN_FLIGHT } from './inFlightLimit';
import { readBody } from './readBody';
import { crossSiteProblem } from './sameSite';

/** Everything the relay's routes need. */
export type RouterOptions = {
  config: RelayConfig;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  cache: CacheService;
  logger: LoggerService;
  /** Origins whose pages may post (see `allowedOrigins`). */
  origins: ReadonlySet<string>;
};

const PATHS = [...SINGLE_CALL_PATHS.keys(), BATCH_PATH].map(path => `/v1/${path}`).join(', ');

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/** Answers an error in Backstage's error body shape; nothing in it comes from the request body. */
function answer(req: Request, res: Response, status: number, name: string, message: string): void {
  res.status(status).json({ error: { name, message }, request: { method: req.method, url: req.originalUrl }, response: { statusCode: status } });
}

/** Why a request is refused while the relay holds as many as it may (see `inFlightLimit`). */
const BUSY =
  `the relay is already forwarding ${MAX_REQUESTS_IN_FLIGHT} requests or ${MAX_BYTES_IN_FLIGHT / 1024 / 1024} MiB, ` +
  'the most it holds at once';

const ERROR_NAMES: Readonly<Record<number, string>> = { 408: 'RequestTimeoutError', 413: 'PayloadTooLargeError' };

const refuse = (req: Request, res: Response, problem: { status: number; message: string }) =>
  answer(req, res, problem.status, ERROR_NAMES[problem.status] ?? 'InputError', problem.message);

/**
 * The relay's routes under the plugin's base path: `POST /v1/{t,p,i,g,a,s}`
 * (one message) and `POST /v1/b` (a batch), as analytics-next posts them.
 *
 * @remarks
 * Per request: the caller must be a signed-in user (user cookie or token;
 * the Backstage error handler answers 401 or 403 otherwise) on a page of the
 * app's own site (403 otherwise, see `crossSiteProblem`), the body is read
 * within Segment's limits and a deadline (`readBody`), the request takes one
 * of the backend's bounded slots, counted by its bytes, messages and objects
 * (503 when none is free, see `inFlightLimit`), every message is checked and
 * rewritten with the server's ids and IP decision, and the result is
 * forwarded. Segment's answer decides the relay's
 * status (see `outcomeOf`). Log lines never hold a body, a ref or a key.
 */
export function createRouter({ config, httpAuth, userInfo, cache, logger, origins }: RouterOptions) {
  const router = Router();
  // The page's URL is every browser call's Referer here (a user's page, a credential in a query): Backstage's
  // access log writes the Referer, unredacted, once the answer is sent. It is the page's, not the relay's to log.
  router.use((req, _res, next) => {
    delete req.headers.referer;
    delete req.headers.referrer;
    next();
  });
  const upstream = { url: config.upstreamUrl, writeKey: config.writeKey, timeoutMs: config.timeoutMs };
  const inFlight = createInFlightLimit();
  const failures = createFailureLog(logger);
  // Refusals of other sites' pages, told apart from forwards (no "Segment answers again" after them): an app
  // reached under a host its config does not name loses every event so, and the operator must hear of it.
  const crossSiteRefusals = createCrossSiteLog(logger);
  // Slots free up as Segment answers or times out (timeoutMs). analytics-next follows Retry-After on a 429
  // only: it retries a 503 after its own growing, jittered waits, which spreads the retries of many pages.
  const retryAfter = String(Math.ceil(config.timeoutMs / 1000));

  /** Rewrites and forwards one request's checked messages, and answers as Segment's answer says. */
  async function relay(req: Request, res: Response, credentials: UserCredentials, request: RelayRequest): Promise<void> {
    const caller = await resolveCaller(credentials, { config, userInfo, cache, logger });
    const messages = rewriteMessages(request, { caller, maskIP: config.maskIP, clientIp: clientAddress(req) });
    if (!messages.ok) {
      refuse(req, res, messages);
      return;
    }
    if (!messages.value.length) {
      // Nothing to forward (group and alias calls are the server's): Segment was not asked.
      res.status(200).json({ success: true });
      return;
    }
    const outcome = await forward(upstream, messages.value, request.sentAt);
    if (outcome.kind === 'delivered') {
      failures.delivered();
      res.status(200).json({ success: true });
      return;
    }
    if (outcome.kind === 'retry' && outcome.misconfigured) {
      failures.failed('misconfigured', `Segment relay: ${outcome.reason} to the relay's request: check segmentAnalytics.writeKey and upstreamUrl; the browser is answered ${outcome.status} and retries`);
    } else if (outcome.kind === 'retry') {
      failures.failed('retried', `Segment relay: ${outcome.reason}; the browser is answered ${outcome.status} and retries`);
    } else {
      failures.failed('refused', `Segment relay: ${outcome.reason}; the browser is answered ${outcome.status} (not retried: its events are lost)`);
    }
    if (outcome.kind === 'retry' && outcome.retryAfter) res.set('Retry-After', outcome.retryAfter);
    answer(req, res, outcome.status, outcome.kind === 'retry' ? 'UpstreamUnavailableError' : 'UpstreamRefusedError', `${outcome.reason}${outcome.kind === 'retry' ? '; retry later with the same messageIds' : ''}`);
  }

  router.post('/v1/:path', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'], allowLimitedAccess: true });
    const crossSite = crossSiteProblem(req.headers, origins);
    if (crossSite) {
      crossSiteRefusals.refused(crossSite, req.headers.origin);
      answer(req, res, 403, 'NotAllowedError', crossSite);
      return;
    }
    const { path } = req.params;
    const batch = path === BATCH_PATH;
    if (!batch && !SINGLE_CALL_PATHS.has(path)) {
      answer(req, res, 404, 'NotFoundError', `unknown tracking path; the relay takes POST ${PATHS}`);
      return;
    }
    if (compressed(req.headers)) {
      answer(req, res, 415, 'UnsupportedMediaTypeError', 'the body must not be compressed (Content-Encoding, Transfer-Encoding)');
      return;
    }
    const body = await readBody(req, batch ? MAX_BATCH_BYTES : MAX_MESSAGE_BYTES, batch ? 'the batch body' : 'the message');
    if ('gone' in body) {
      logger.debug('Segment relay: the client closed the connection before its body was read; nothing was forwarded');
      return;
    }
    if (!body.ok) {
      res.set('Connection', 'close');
      refuse(req, res, body);
      return;
    }
    // With groups, an identify brings up to `limit` group calls of the relay's own: counted too (a batch naming
    // one, or holding a JSON escape, which could spell its type: analytics-next escapes no letter).
    const mayIdentify = SINGLE_CALL_PATHS.get(path) === 'identify' || (batch && (body.value.includes('identify') || body.value.includes('\\u')));
    const groupCharge = config.groups && mayIdentify ? config.groups.limit * GROUP_CALL_CHARGE : 0;
    const admission = inFlight.enter(inFlightCharge(Buffer.byteLength(body.value, 'utf8'), bodyShape(body.value)) + groupCharge);
    if (!admission.admitted) {
      if (admission.first) {
        logger.warn(`Segment relay: ${BUSY}; further requests are answered 503 until Segment has answered some (a burst of traffic, or Segment slow or down)`);
      }
      res.set('Retry-After', retryAfter);
      answer(req, res, 503, 'ServiceUnavailableError', `${BUSY}; retry later with the same messageIds`);
      return;
    }
    try {
      const request = readRequest(path, body.value);
      if (request.ok) await relay(req, res, credentials, request.value);
      else refuse(req, res, request);
    } finally {
      admission.release();
    }
  });

  router.all('/v1/:path', (req, res) => {
    res.set('Allow', 'POST');
    answer(req, res, 405, 'MethodNotAllowedError', `the relay takes POST ${PATHS}`);
  });

  return router;
}

/**
 * The routes of a relay that is off (`segmentAnalytics.enabled: false`):
 * every request is answered 404, saying so, and nothing is forwarded.
 */
export function createOffRouter() {
  const router = Router();
  router.use('/v1', (req, res) => {
    answer(req, res, 404, 'NotFoundError', 'the Segment relay is off on this backend (segmentAnalytics.enabled: false): nothing is forwarded');
  });
  return router;
}

/**
 * Whether a request's body comes in a coding the relay does not undo: any
 * content coding but `identity`, or a transfer coding but `chunked` (which
 * Node undoes). Codings are named in any case; an empty header names none.
 */
function compressed(headers: { 'content-encoding'?: string; 'transfer-encoding'?: string }): boolean {
  const codings = (header: string | undefined) =>
    (header ?? '').split(',').map(coding => coding.trim().toLowerCase()).filter(coding => coding && coding !== 'identity');
  return codings(headers['content-encoding']).length > 0 || codings(headers['transfer-encoding']).some(coding => coding !== 'chunked');
}
