import type { CacheService, HttpAuthService, LoggerService, UserInfoService } from '@backstage/backend-plugin-api';
import type { Request, Response } from 'express';
import Router from 'express-promise-router';
import type { RelayConfig } from '../config/RelayConfig';
import { resolveCaller } from '../identity/resolveCaller';
import { forward } from '../upstream/forward';
import type { Problem } from '../wire/checkMessage';
import { BATCH_PATH, MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, SINGLE_CALL_PATHS } from '../wire/limits';
import { readRequest } from '../wire/readRequest';
import { rewriteMessages } from '../wire/rewriteMessages';
import { clientAddress } from './clientAddress';
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

const PATHS = [...Object.keys(SINGLE_CALL_PATHS), BATCH_PATH].map(path => `/v1/${path}`).join(', ');

/** Answers an error in Backstage's error body shape; nothing in it comes from the request body. */
function answer(req: Request, res: Response, status: number, name: string, message: string): void {
  res.status(status).json({ error: { name, message }, request: { method: req.method, url: req.originalUrl }, response: { statusCode: status } });
}

const refuse = (req: Request, res: Response, problem: Problem) =>
  answer(req, res, problem.status, problem.status === 413 ? 'PayloadTooLargeError' : 'InputError', problem.message);

/**
 * The relay's routes under the plugin's base path: `POST /v1/{t,p,i,g,a,s}`
 * (one message) and `POST /v1/b` (a batch), as analytics-next posts them.
 *
 * @remarks
 * Per request: the caller must be a signed-in user (user cookie or token;
 * the Backstage error handler answers 401 or 403 otherwise) on a page of the
 * app's own site (403 otherwise, see `crossSiteProblem`), the body is read
 * within Segment's limits and checked, every message is rewritten with the
 * server's ids and IP decision, and the result is forwarded. Segment's answer
 * decides the relay's status (see `outcomeOf`). Log lines never hold a body,
 * a ref or a key.
 */
export function createRouter({ config, httpAuth, userInfo, cache, logger, origins }: RouterOptions) {
  const router = Router();
  const upstream = { url: config.upstreamUrl, writeKey: config.writeKey, timeoutMs: config.timeoutMs };

  router.post('/v1/:path', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'], allowLimitedAccess: true });
    const crossSite = crossSiteProblem(req.headers, origins);
    if (crossSite) {
      answer(req, res, 403, 'NotAllowedError', crossSite);
      return;
    }
    const { path } = req.params;
    const batch = path === BATCH_PATH;
    if (!batch && SINGLE_CALL_PATHS[path] === undefined) {
      answer(req, res, 404, 'NotFoundError', `unknown tracking path; the relay takes POST ${PATHS}`);
      return;
    }
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity') {
      answer(req, res, 415, 'UnsupportedMediaTypeError', 'the body must not be compressed (Content-Encoding)');
      return;
    }
    const body = await readBody(req, batch ? MAX_BATCH_BYTES : MAX_MESSAGE_BYTES, batch ? 'the batch body' : 'the message');
    if (!body.ok) {
      res.set('Connection', 'close');
      refuse(req, res, body);
      return;
    }
    const request = readRequest(path, body.value);
    if (!request.ok) {
      refuse(req, res, request);
      return;
    }
    const caller = await resolveCaller(credentials, { config, userInfo, cache, logger });
    const messages = rewriteMessages(request.value, { caller, maskIP: config.maskIP, clientIp: clientAddress(req) });
    if (!messages.ok) {
      refuse(req, res, messages);
      return;
    }
    const outcome = messages.value.length ? await forward(upstream, messages.value, request.value.sentAt) : ({ kind: 'delivered' } as const);
    if (outcome.kind === 'delivered') {
      res.status(200).json({ success: true });
      return;
    }
    if (outcome.kind === 'retry' && outcome.misconfigured) {
      logger.error(`Segment relay: ${outcome.reason} to the relay's request: check segmentAnalytics.writeKey and upstreamUrl; the browser is answered ${outcome.status} and retries`);
    } else {
      logger.warn(`Segment relay: ${outcome.reason}; the browser is answered ${outcome.status}${outcome.kind === 'retry' ? ' and retries' : ' (not retried)'}`);
    }
    if (outcome.kind === 'retry' && outcome.retryAfter) res.set('Retry-After', outcome.retryAfter);
    answer(req, res, outcome.status, outcome.kind === 'retry' ? 'UpstreamUnavailableError' : 'UpstreamRefusedError', `${outcome.reason}${outcome.kind === 'retry' ? '; retry later with the same messageIds' : ''}`);
  });

  router.all('/v1/:path', (req, res) => {
    res.set('Allow', 'POST');
    answer(req, res, 405, 'MethodNotAllowedError', `the relay takes POST ${PATHS}`);
  });

  return router;
}
