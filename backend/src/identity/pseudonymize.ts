import { createHash, createHmac } from 'node:crypto';

/**
 * The id Segment receives for an entity ref: HMAC-SHA-256 of the ref (UTF-8,
 * exactly as the credentials give it) keyed with `key` (UTF-8), as 64
 * lowercase hex characters.
 *
 * @remarks
 * The same function as the frontend module's `userIdTransform: 'sha-256'`
 * with `userIdSalt` set to the same string, so a team that moves its salt to
 * the backend keeps every user and group id.
 */
export function pseudonymize(ref: string, key: string): string {
  return createHmac('sha256', key).update(ref, 'utf8').digest('hex');
}

/**
 * A short, stable id derived from several strings (none of them readable
 * from it): used for the messageIds of group calls the relay adds, so that a
 * retried identify gives the same ids and Segment drops the repeats.
 */
export function derivedId(prefix: string, ...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}`, 'utf8');
  return `${prefix}${hash.digest('hex').slice(0, 40)}`;
}
