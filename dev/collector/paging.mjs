// @ts-check
// Paging of the collector's listings: query parsing and page selection over a
// RingBuffer, newest first, capped in count and in bytes. Pure.

/**
 * @typedef {object} PageRequest
 * @property {number} limit how many entries at most
 * @property {number} offset how many of the selected entries to skip (newest first)
 * @property {number | undefined} before only entries whose seq is below this (a stable cursor)
 */

/**
 * Reads `limit`, `offset` and `before` from a query string.
 * @param {URLSearchParams} query
 * @param {{ defaultLimit: number, maxLimit: number }} bounds
 * @returns {{ ok: true, page: PageRequest } | { ok: false, message: string }}
 */
export function parsePageRequest(query, { defaultLimit, maxLimit }) {
  const limit = integerParam(query, 'limit', defaultLimit, 1, maxLimit);
  if (typeof limit === 'string') return { ok: false, message: limit };
  const offset = integerParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  if (typeof offset === 'string') return { ok: false, message: offset };
  const before = integerParam(query, 'before', undefined, 1, Number.MAX_SAFE_INTEGER);
  if (typeof before === 'string') return { ok: false, message: before };
  return { ok: true, page: { limit, offset, before } };
}

/**
 * @template {number | undefined} D
 * @param {URLSearchParams} query
 * @param {string} name
 * @param {D} fallback
 * @param {number} min
 * @param {number} max
 * @returns {number | D | string} the value, or an error message
 */
function integerParam(query, name, fallback, min, max) {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return `${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(raw.slice(0, 40))}`;
  }
  return value;
}

/**
 * @template T
 * @typedef {object} Page
 * @property {import('./ringBuffer.mjs').Slot<T>[]} slots the entries of the page, newest first
 * @property {number} matching how many entries the cursor selects (before offset)
 * @property {boolean} cut the byte budget ended the page before `limit`
 * @property {number | undefined} nextBefore the cursor of the next (older) page, if there is one
 */

/**
 * Selects one page, newest first: at most `limit` entries and, past the first
 * one, at most `maxBytes` bytes of declared entry sizes.
 * @template T
 * @param {import('./ringBuffer.mjs').RingBuffer<T>} ring
 * @param {PageRequest} page
 * @param {number} maxBytes
 * @returns {Page<T>}
 */
export function selectPage(ring, { limit, offset, before }, maxBytes) {
  const end = before === undefined ? ring.length : ring.indexOfSeq(before); // exclusive, oldest-first index
  /** @type {import('./ringBuffer.mjs').Slot<T>[]} */
  const slots = [];
  let bytes = 0;
  let cut = false;
  let index = end - 1 - offset;
  for (; index >= 0 && slots.length < limit; index--) {
    const slot = /** @type {import('./ringBuffer.mjs').Slot<T>} */ (ring.at(index));
    if (slots.length > 0 && bytes + slot.bytes > maxBytes) {
      cut = true;
      break;
    }
    slots.push(slot);
    bytes += slot.bytes;
  }
  const nextBefore = index >= 0 && slots.length > 0 ? slots[slots.length - 1].seq : undefined;
  return { slots, matching: Math.max(0, end), cut, nextBefore };
}
