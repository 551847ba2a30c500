import { checkMessage, isIsoTimestamp, isObject, type Checked, type CheckedMessage } from './checkMessage';
import { BATCH_PATH, SINGLE_CALL_PATHS } from './limits';

/** The messages of one request, checked, and the client's send time (for Segment's clock-skew correction). */
export type RelayRequest = { messages: CheckedMessage[]; sentAt?: string; batch: boolean };

function parseJson(text: string): Checked<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, message: 'the body must be JSON (analytics-next sends it as text/plain)' };
  }
}

/**
 * Reads the body of `POST /v1/{path}`: one message on a single-call path
 * (`t`, `p`, `i`, `g`, `a`, `s`), or `{ batch, sentAt?, writeKey? }` on `b`.
 *
 * @remarks
 * Pure. A batch is refused whole when one of its messages is invalid, and
 * the answer names its index. The body's `writeKey` is ignored (the relay
 * forwards with its own) and so is every other top-level key of a batch, so
 * that nothing the client sends can reach Segment around the rewriting.
 */
export function readRequest(path: string, text: string): Checked<RelayRequest> {
  const pathType = SINGLE_CALL_PATHS.get(path);
  if (pathType === undefined && path !== BATCH_PATH) {
    return { ok: false, status: 400, message: 'unknown tracking path' };
  }
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const body = parsed.value;
  if (pathType !== undefined) {
    const checked = checkMessage(body, pathType);
    if (!checked.ok) return checked;
    const { sentAt } = checked.value;
    return { ok: true, value: { messages: [checked.value], sentAt: typeof sentAt === 'string' ? sentAt : undefined, batch: false } };
  }
  if (!isObject(body) || !Array.isArray(body.batch)) {
    return { ok: false, status: 400, message: 'a batch body must be a JSON object with a "batch" array' };
  }
  if (body.batch.length === 0) return { ok: false, status: 400, message: 'batch must hold at least one message' };
  if (body.sentAt !== undefined && !isIsoTimestamp(body.sentAt)) {
    return { ok: false, status: 400, message: 'sentAt must be an ISO-8601 date-time string' };
  }
  const messages: CheckedMessage[] = [];
  for (const [index, message] of body.batch.entries()) {
    const checked = checkMessage(message);
    if (!checked.ok) return { ...checked, message: `batch[${index}]: ${checked.message}` };
    messages.push(checked.value);
  }
  return { ok: true, value: { messages, sentAt: body.sentAt as string | undefined, batch: true } };
}
