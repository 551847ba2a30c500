// @ts-check
import { createHash } from 'node:crypto';

/**
 * The hex SHA-256 of `text` (UTF-8), as the module's `sha-256` transform and
 * search-term hashing send it: what the tests expect on the wire.
 * @param {string} text
 */
export function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}
