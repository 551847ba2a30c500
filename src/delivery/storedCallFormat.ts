import type { StoredCall } from './callStore';

/** A stored call as serialized: its timestamp as ISO text. */
export type Wire = { messageId: string; owner: string | null; anonymousId?: string; call: unknown };

/** The version of the stored text; text of another version (a later module's, in another tab) is left alone. */
export const FORMAT = 1;

/** A call as stored. */
export function toWire(stored: StoredCall): Wire {
  return { ...stored, call: { ...stored.call, timestamp: stored.call.timestamp.toISOString() } };
}

/** A stored call read back; undefined when it is not one (another shape, a timestamp that is not a date). */
export function fromWire(value: unknown): StoredCall | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { messageId, owner, anonymousId, call } = value as Record<string, any>;
  if (typeof messageId !== 'string' || (owner !== null && typeof owner !== 'string')) return undefined;
  if (anonymousId !== undefined && typeof anonymousId !== 'string') return undefined;
  if (!call || typeof call !== 'object' || (call.type !== 'page' && call.type !== 'track')) return undefined;
  if (!call.properties || typeof call.properties !== 'object' || !call.page || typeof call.page !== 'object') return undefined;
  if (call.type === 'track' && typeof call.event !== 'string') return undefined;
  const timestamp = new Date(call.timestamp);
  if (Number.isNaN(timestamp.getTime())) return undefined;
  return { messageId, owner, ...(anonymousId !== undefined && { anonymousId }), call: { ...call, timestamp } };
}

