import { shapesCalls } from '../config/readCallSettings';
import { SegmentCall } from '../mapping/SegmentCall';

/**
 * One call kept across page loads: it could not be handed to the library
 * before the page went away.
 */
export type StoredCall = {
  /** The call's Segment messageId, the same on every attempt to send it. */
  messageId: string;
  /** The (transformed) user id it belongs to, or null: captured anonymous. */
  owner: string | null;
  /** The anonymous id it must carry, when it must not carry the stored one. */
  anonymousId?: string;
  /**
   * The claim of the ledger (`claimLedger.ts`) the load that stored it held
   * on it, when that load was left for good: the next load may claim it at
   * once instead of waiting for that claim to lapse.
   */
  claim?: number;
  call: SegmentCall;
};

/**
 * A stored call as serialized: its timestamp as ISO text, and `s`, the
 * settings it was made under (see `SegmentConfig.callSettings`; absent in
 * what versions before it stored).
 */
export type Wire = { messageId: string; owner: string | null; anonymousId?: string; claim?: number; call: unknown; s?: string };

/** The version of the stored text; text of another version (a later module's, in another tab) is not read, and a write replaces it. */
const FORMAT = 1;

/** The longest messageId read back: the module's are UUIDs. */
const MAX_MESSAGE_ID = 100;
/** The page fields every stored call has, as text. */
const PAGE_FIELDS = ['url', 'path', 'search', 'title', 'referrer'];

/** A call as stored, made under `settings`. */
export function toWire(stored: StoredCall, settings?: string): Wire {
  return { ...stored, call: { ...stored.call, timestamp: stored.call.timestamp.toISOString() }, ...(settings && { s: settings }) };
}

/**
 * Whether a stored call may be sent by a load running `settings`: one made
 * under other privacy or user id settings may not (they may now redact,
 * drop or pseudonymize what it holds, and a call is not redacted twice).
 * One with no record of its settings (kept by a release of the module
 * before the record) only under the defaults, as the library's queues
 * without a record (see `dropQueuesOfOtherSettings`).
 */
export function madeUnder(entry: Wire, settings: string | undefined): boolean {
  if (settings === undefined) return true;
  return entry.s === undefined ? !shapesCalls(settings) : entry.s === settings;
}

/**
 * Tells of stored calls removed for their settings (see {@link madeUnder}):
 * those of every key read in the task that found the first, in one warning,
 * each call once.
 */
export function otherSettingsWarning(warnOnce: (topic: string, message: string) => void): (removed: Wire[]) => void {
  const ids = new Set<string>();
  return removed => {
    const message = () => `Segment analytics: ${ids.size} events kept by an earlier page load were not sent: the privacy or user id settings have changed since`;
    if (!ids.size) void Promise.resolve().then(() => warnOnce('settings', message()));
    for (const { messageId } of removed) ids.add(messageId);
  };
}

/** A stored call read back; undefined when it is not one (another shape, a timestamp that is not a date). */
export function fromWire(value: unknown): StoredCall | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { messageId, owner, anonymousId, claim, call } = value as Record<string, any>;
  if (typeof messageId !== 'string' || (owner !== null && typeof owner !== 'string')) return undefined;
  if (anonymousId !== undefined && typeof anonymousId !== 'string') return undefined;
  if (!call || typeof call !== 'object' || (call.type !== 'page' && call.type !== 'track')) return undefined;
  if (!call.properties || typeof call.properties !== 'object' || !call.page || typeof call.page !== 'object') return undefined;
  // As the module stores them: an entry written by hand (or another script) is not sent as it is.
  if (messageId.length > MAX_MESSAGE_ID || PAGE_FIELDS.some(field => typeof call.page[field] !== 'string')) return undefined;
  if (call.type === 'track' && typeof call.event !== 'string') return undefined;
  const timestamp = new Date(call.timestamp);
  if (Number.isNaN(timestamp.getTime())) return undefined;
  return {
    messageId,
    owner,
    ...(anonymousId !== undefined && { anonymousId }),
    ...(Number.isFinite(claim) && { claim }),
    call: { ...call, timestamp },
  };
}


/** The text kept under a key: the format's version and the calls, each as serialized. */
export function storedText(serialized: string[]): string {
  return `{"v":${FORMAT},"calls":[${serialized.join(',')}]}`;
}

/** The entries a stored text holds; 'not JSON' (to be removed), or undefined for another format (not read). */
export function parseStored(raw: string): unknown[] | 'not JSON' | undefined {
  let parsed: { v?: unknown; calls?: unknown } | undefined;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return 'not JSON';
  }
  return parsed?.v === FORMAT && Array.isArray(parsed.calls) ? parsed.calls : undefined;
}
