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

/**
 * The calls a page sent to the collector's tracking endpoints (`/v1/t`, `/p`, `/i`, `/g`, and `/b` with its
 * batch flattened), in the order it started their requests: what was sent, arrived or not.
 *
 * @param {{ url: string, method: string, body: string }[]} requests - a browser's request log
 * @param {string} collectorUrl
 * @returns {Message[]}
 */
export function sentCalls(requests, collectorUrl) {
  /** @type {Message[]} */
  const calls = [];
  for (const r of requests) {
    if (r.method !== 'POST' || !r.url.startsWith(`${collectorUrl}/v1/`) || !/^\/v1\/[tpigb]$/.test(new URL(r.url).pathname)) continue;
    /** @type {any} */
    let body;
    try {
      body = JSON.parse(r.body);
    } catch {
      throw new Error(`a tracking request without a readable body (${r.url}): ${r.body.slice(0, 80)}`);
    }
    calls.push(...(Array.isArray(body.batch) ? body.batch : [body]));
  }
  return calls;
}

/**
 * Waits until a browser's request log shows each of `messageIds` leaving the page (the log hears of a request
 * a little after the page starts it, and requests in the order they started): then everything the page sent
 * before them is in the log too.
 *
 * @param {{ url: string, method: string, body: string }[]} requests
 * @param {string} collectorUrl
 * @param {string[]} messageIds
 */
export async function logShowsSent(requests, collectorUrl, messageIds) {
  for (const deadline = Date.now() + 10_000; ; ) {
    const sent = new Set(sentCalls(requests, collectorUrl).map(m => m.messageId));
    const missing = messageIds.filter(id => !sent.has(id));
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`the request log never showed ${missing.join(', ')} leaving the page`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/** The track calls of one event name. @param {Message[]} messages @param {string} event */
export const named = (messages, event) => messages.filter(m => m.event === event);

/** How many distinct messageIds (a resend keeps its messageId, and Segment de-duplicates it). @param {Message[]} messages */
export const distinctIds = messages => new Set(messages.map(m => m.messageId)).size;
