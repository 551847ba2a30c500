import type { JsonObject } from '../wire/checkMessage';
import { MAX_BATCH_BYTES } from '../wire/limits';

/**
 * The bodies of Segment `/batch` requests carrying `messages` in order, each
 * at most {@link MAX_BATCH_BYTES}: usually one, more only when the server's
 * ids and group calls made a full batch grow past the limit.
 *
 * @remarks
 * Pure. `sentAt` (the client's send time) is repeated in every body so that
 * Segment corrects the client's clock skew as if the browser had sent them.
 * Each message is at most 32 KB, so every body holds at least one.
 */
export function batchBodies(messages: readonly JsonObject[], sentAt: string | undefined, limit = MAX_BATCH_BYTES): string[] {
  const tail = `]${sentAt === undefined ? '' : `,"sentAt":${JSON.stringify(sentAt)}`}}`;
  const head = '{"batch":[';
  const overhead = Buffer.byteLength(head + tail);
  const bodies: string[] = [];
  let parts: string[] = [];
  let bytes = overhead;
  for (const message of messages) {
    const json = JSON.stringify(message);
    const size = Buffer.byteLength(json);
    if (parts.length && bytes + 1 + size > limit) {
      bodies.push(head + parts.join(',') + tail);
      parts = [];
      bytes = overhead;
    }
    bytes += size + (parts.length ? 1 : 0);
    parts.push(json);
  }
  if (parts.length) bodies.push(head + parts.join(',') + tail);
  return bodies;
}
