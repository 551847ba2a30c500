// @ts-check
import assert from 'node:assert/strict';

/** @typedef {Record<string, any>} Message a message as the collector received it (`type`, `event`, `sentAt`, `timestamp`...) */

/**
 * Asserts that `first` went out before each of `later`, as the wire can show
 * it: the library stamps `sentAt` when it hands a message to the network and
 * Segment orders by `timestamp`, so `first` has neither later than any of
 * them (equal milliseconds allowed).
 *
 * @remarks
 * Arrival order at the collector is not used: the module hands `identify`
 * over first without waiting for its response, and separate requests sent in
 * the same moment may arrive in either order on a loaded machine.
 *
 * @param {Message} first
 * @param {Message[]} later
 * @param {string} what - names `first` in the failure message
 */
export function assertSentFirst(first, later, what) {
  for (const field of /** @type {const} */ (['sentAt', 'timestamp'])) {
    const own = Date.parse(first[field] ?? '');
    assert.ok(Number.isFinite(own), `${what} has a ${field}`);
    const earlier = later.filter(m => Date.parse(m[field] ?? '') < own);
    assert.deepEqual(
      earlier.map(m => `${m.type} ${m.event ?? ''} ${m[field]}`),
      [],
      `${what} (${field} ${first[field]}) went out no later than the others`,
    );
  }
}
