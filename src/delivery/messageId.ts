/**
 * A messageId in the library's form (`ajs-next-<ms>-<uuid v4>`), made as the
 * library makes its own: the UUID from `Math.random`, as a messageId only
 * needs to be unique, not secret (Segment de-duplicates by it). It is made for
 * every call handed over, and Chromium's `crypto.randomUUID` cost 18 µs a call
 * in a CPU profile on 2026-12-05 (`bench/profile.mjs`), a sixth of the
 * module's own work per event.
 */
export function libraryMessageId(wallNow: number): string {
  return `ajs-next-${wallNow}-${uuid4()}`;
}

/** A version 4 UUID from `Math.random`, as the library makes its ids (messageIds, anonymous ids). */
export function uuid4(): string {
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + Math.floor(Math.random() * 4)).toString(16)}${hex(3)}-${hex(6)}${hex(6)}`;
}

/** `digits` random hexadecimal digits (at most 13: what a double holds exactly). */
function hex(digits: number): string {
  return Math.floor(Math.random() * 16 ** digits).toString(16).padStart(digits, '0');
}
