import type { Caller } from '../identity/resolveCaller';
import { derivedId } from '../identity/pseudonymize';
import { byteSize, isObject, type Checked, type CheckedMessage, type JsonObject } from './checkMessage';
import { MAX_MESSAGE_BYTES } from './limits';
import type { RelayRequest } from './readRequest';

/** The address Segment records for a masked client. */
export const MASKED_IP = '0.0.0.0';

/** Who sent a request, as the relay decides it. */
export type Sender = {
  caller: Caller;
  /** `segmentAnalytics.maskIP`. */
  maskIP: boolean;
  /** The client's address as the backend sees it (`backend.trustProxy` applies), if known. */
  clientIp?: string;
};

/**
 * The top-level keys of a browser message that reach Segment, as the browser
 * sent them: those Segment's HTTP tracking API defines for the calls the relay
 * forwards (track, page, screen, identify), and `_metadata` (analytics-next's
 * note of bundled destinations and retries). Every other key is dropped: the
 * server's own (`userId`, `context`), those that say whom a call belongs to
 * (`traits`, `groupId`, `previousId`), the browser's `writeKey` and per-message
 * `sentAt`, and any key Segment or a destination might read some other way
 * (`options`, `user_id`, ...).
 */
export const FORWARDED_KEYS: readonly string[] = Object.freeze([
  'type',
  'messageId',
  'anonymousId',
  'timestamp',
  'originalTimestamp',
  'event',
  'name',
  'category',
  'properties',
  'integrations',
  '_metadata',
]);

/**
 * A key as Segment's readers match it: `@segment/facade` (through `obj-case`)
 * finds `context.groupId` under `Group_Id`, `GROUPID` or `group-id` too, and
 * `context.traits.email` under a flat key `traits.email`.
 */
const matchedAs = (key: string) => key.replace(/[^a-zA-Z0-9.]+/g, '').toLowerCase();

/** The first dotted part of a key as matched (`traits.email` is read under `traits`). */
const headOf = (key: string) => matchedAs(key).split('.')[0];

/**
 * Context fields that say who or which device a user is (Segment's identity
 * resolution promotes `context.device` ids and `context.integrations['Google
 * Analytics'].clientId`), or that the relay sets: removed in any spelling
 * (a key whose first dotted part, as matched, is one).
 */
const IDENTITY_CONTEXT = new Set(['ip', 'groupid', 'device', 'integrations']);

/**
 * Context fields that are bags of identities (`traits`, `externalIds`):
 * any key that begins so is removed too, as warehouses flatten `traitsEmail`,
 * `traits_email` and `traits.email` into the same column.
 */
const IDENTITY_CONTEXT_PREFIXES = ['traits', 'externalids'];

function isIdentityContextKey(key: string): boolean {
  return IDENTITY_CONTEXT.has(headOf(key)) || IDENTITY_CONTEXT_PREFIXES.some(prefix => matchedAs(key).startsWith(prefix));
}

/**
 * The context fields that may hold an object (or array): those of Segment's
 * spec that say nothing of who a user or device is, and analytics-next's
 * `amp` and `userAgentData`, as spelled there. Segment's `facade` reads a
 * destination's options from a context key named like that destination
 * (`context.google_analytics`: `{ clientId }`, any spelling) and
 * destination switches and options from `context.providers`; no destination
 * is named like one of these.
 */
const CONTEXT_OBJECTS = new Set(['app', 'campaign', 'consent', 'library', 'location', 'network', 'os', 'page', 'referrer', 'screen', 'userAgentData', 'amp']);

/**
 * The browser's context without the fields that say who a user is, in any
 * spelling Segment reads as them, and without any other object (or array)
 * outside {@link CONTEXT_OBJECTS}: it could be a destination's options.
 */
function withoutIdentity(context: JsonObject): JsonObject {
  return Object.fromEntries(
    Object.entries(context).filter(
      ([key, value]) => !isIdentityContextKey(key) && (typeof value !== 'object' || value === null || CONTEXT_OBJECTS.has(key)),
    ),
  );
}

/**
 * The call's properties without `email` in any spelling: Segment's identity
 * resolution promotes `properties.email` to the profile's e-mail, which
 * would let a user's calls claim another person's address (the module's own
 * calls have no such property).
 */
function withoutEmail(properties: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(properties).filter(([key]) => headOf(key) !== 'email'));
}

/**
 * Which destinations get the call, as `true` or `false` per destination; a
 * destination's options (an object: `{ 'Google Analytics': { clientId } }`
 * sets the id that destination records) are the server's to give.
 */
function destinationSwitches(integrations: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(integrations).filter(([, value]) => typeof value === 'boolean'));
}

function withoutKeys(object: JsonObject, keys: readonly string[]): JsonObject {
  const copy = { ...object };
  for (const key of keys) delete copy[key];
  return copy;
}

function onlyKeys(object: JsonObject, keys: readonly string[]): JsonObject {
  const copy: JsonObject = {};
  for (const key of keys) if (Object.prototype.hasOwnProperty.call(object, key)) copy[key] = object[key];
  return copy;
}

/**
 * One message as Segment receives it: the {@link FORWARDED_KEYS} the browser
 * sent (`properties` without `email`, `integrations` only its switches),
 * `userId` the caller's, `context` the browser's without the fields that say
 * who a user is, `context.ip` the relay's decision, and `context.groupId` the
 * caller's first group (or none).
 */
function rewrite(message: CheckedMessage, { caller, maskIP, clientIp }: Sender): JsonObject {
  const context = withoutIdentity(isObject(message.context) ? message.context : {});
  const masked = maskIP || (isObject(message.context) && message.context.ip === MASKED_IP);
  context.ip = masked || !clientIp ? MASKED_IP : clientIp;
  if (caller.groupIds.length) context.groupId = caller.groupIds[0];
  const out: JsonObject = { ...onlyKeys(message, FORWARDED_KEYS), userId: caller.userId, context };
  if (isObject(out.properties)) out.properties = withoutEmail(out.properties);
  if (isObject(out.integrations)) out.integrations = destinationSwitches(out.integrations);
  return out;
}

/**
 * Largest group call the relay makes, as JSON: each identify brings one per
 * group (up to 100), so what a group call copies from the identify (its
 * context, `anonymousId`, `integrations`) is copied only while the call stays
 * this small. The requests in flight are counted with it (`GROUP_CALL_CHARGE`).
 */
export const MAX_GROUP_CALL_BYTES = 2560;

/** Longest identify `timestamp` a group call repeats (an ISO 8601 time is about 30 characters). */
const MAX_GROUP_TIMESTAMP_LENGTH = 64;

/**
 * The group calls the relay sends after an identify: one per group of the
 * caller, in order, with the identify's time and messageIds derived from the
 * identify's so that a retried identify repeats them exactly. Each carries
 * the context's `ip`, and the identify's whole context, `anonymousId` and
 * `integrations` only while it stays within {@link MAX_GROUP_CALL_BYTES}.
 */
function groupCalls(identify: JsonObject, groupIds: readonly string[]): JsonObject[] {
  const context = withoutKeys(identify.context as JsonObject, ['groupId']);
  const { timestamp } = identify;
  return groupIds.map(groupId => {
    let call: JsonObject = {
      type: 'group',
      groupId,
      userId: identify.userId,
      messageId: derivedId('grp-', String(identify.messageId), groupId),
      context: { ip: context.ip },
    };
    if (typeof timestamp === 'string' && timestamp.length <= MAX_GROUP_TIMESTAMP_LENGTH) call.timestamp = timestamp;
    const more: Array<[string, unknown]> = [['context', context], ['anonymousId', identify.anonymousId], ['integrations', identify.integrations]];
    for (const [key, value] of more) {
      if (value === undefined) continue;
      const larger = { ...call, [key]: value };
      if (byteSize(larger) <= MAX_GROUP_CALL_BYTES) call = larger;
    }
    return call;
  });
}

/**
 * The messages to forward for one request, in order.
 *
 * @remarks
 * Pure. `group` and `alias` messages from the browser are not forwarded: which
 * user and which groups a call belongs to is the server's to say. The first
 * identify of a request is followed by the caller's group calls (once: they
 * are the same for every identify, and a request of many identifies must not
 * multiply what is sent to Segment). A message that grows past 32 KB once
 * rewritten is refused (413), naming its index.
 */
export function rewriteMessages({ messages, batch }: RelayRequest, sender: Sender): Checked<JsonObject[]> {
  const out: JsonObject[] = [];
  let grouped = false;
  for (const [index, message] of messages.entries()) {
    if (message.type === 'group' || message.type === 'alias') continue;
    const rewritten = rewrite(message, sender);
    const bytes = byteSize(rewritten);
    if (bytes > MAX_MESSAGE_BYTES) {
      const where = batch ? `batch[${index}]: ` : '';
      return { ok: false, status: 413, message: `${where}the message is ${bytes} bytes once the server's ids are set; Segment accepts at most ${MAX_MESSAGE_BYTES} (32 KB)` };
    }
    out.push(rewritten);
    if (message.type === 'identify' && !grouped) {
      grouped = true;
      out.push(...groupCalls(rewritten, sender.caller.groupIds));
    }
  }
  return { ok: true, value: out };
}
