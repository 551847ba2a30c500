import type { BodyShape } from '../wire/bodyShape';

/**
 * Requests one backend works on at once, from a body read to Segment's answer.
 * With Segment answering in a tenth of a second, about 2,500 requests a second
 * (a browser sends one per event by default); while Segment hangs, each holds
 * its slot for up to `timeoutMs`.
 */
export const MAX_REQUESTS_IN_FLIGHT = 256;

/**
 * What those requests may hold together, counted by {@link inFlightCharge}:
 * 8 MiB, seventeen full 480 KB batches. A request holds about five times its
 * charge while it waits (the text, the parsed messages, the rewritten ones,
 * the bodies sent to Segment), so about 40 MB at most.
 */
export const MAX_BYTES_IN_FLIGHT = 8 * 1024 * 1024;

/**
 * What each message of a request is counted as besides its bytes: once
 * parsed and rewritten it costs objects of its own (the rewritten copy, its
 * context, the server's ids), about 600 bytes however small it is.
 */
export const MESSAGE_CHARGE = 128;

/** What each object or array in a request is counted as besides its bytes: an empty `{}` parsed takes about 50 bytes. */
export const CONTAINER_CHARGE = 16;

/**
 * What each group call the relay adds after an identify is counted as (with
 * `groups`, for a request that may hold an identify): the most a group call
 * holds as JSON (`MAX_GROUP_CALL_BYTES`), copied into the body sent to Segment.
 */
export const GROUP_CALL_CHARGE = 2560;

/**
 * What a request of `bytes` shaped as `shape` counts against
 * {@link MAX_BYTES_IN_FLIGHT}. Measured on 2026-12-05 (heap held while
 * Segment hung): a 490 KB batch of 13,762 tiny messages held 8.4 MB, one of
 * 15 messages holding 240,000 empty objects 11.4 MB, one of large strings
 * 1.7 MB; each under five times this charge (3.4, 2.6 and 3.5 times).
 */
export function inFlightCharge(bytes: number, shape: BodyShape): number {
  return bytes + shape.messages * MESSAGE_CHARGE + shape.containers * CONTAINER_CHARGE;
}

/** The answer to {@link InFlightLimit.enter}. */
export type Admission =
  | { admitted: true; release(): void }
  /** `first`: this refusal starts a run of them (the first since the load last fell to half the limits). */
  | { admitted: false; first: boolean };

/** Counts the requests in flight and their bytes, and refuses one that would pass either limit. */
export type InFlightLimit = {
  /** Takes a slot for a request counted as `bytes` ({@link inFlightCharge}); the caller must `release` it once answered. */
  enter(bytes: number): Admission;
  /** The requests and bytes in flight now. */
  load(): { requests: number; bytes: number };
};

/**
 * A limit on the requests in flight and on what they hold. One request is
 * always admitted when none is in flight (a body is at most 500 KB).
 *
 * @remarks
 * Nothing is queued: a refused request is answered at once (503, which the
 * browser's library retries with backoff), so that a slow Segment costs the
 * backend a bounded number of sockets and bounded memory.
 */
export function createInFlightLimit(maxRequests = MAX_REQUESTS_IN_FLIGHT, maxBytes = MAX_BYTES_IN_FLIGHT): InFlightLimit {
  let requests = 0;
  let bytes = 0;
  let refusing = false;
  return {
    enter(size) {
      if (requests > 0 && (requests + 1 > maxRequests || bytes + size > maxBytes)) {
        const first = !refusing;
        refusing = true;
        return { admitted: false, first };
      }
      requests++;
      bytes += size;
      let released = false;
      return {
        admitted: true,
        release() {
          if (released) return;
          released = true;
          requests--;
          bytes -= size;
          if (requests <= maxRequests / 2 && bytes <= maxBytes / 2) refusing = false;
        },
      };
    },
    load: () => ({ requests, bytes }),
  };
}
