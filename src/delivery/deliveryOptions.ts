import { CallClock } from '../mapping/pageHistory';
import { SegmentCall } from '../mapping/SegmentCall';
import { CallStore } from './callStore';
import { ClaimLedger } from './claimLedger';
import type { MAX_IN_FLIGHT } from './pacing';
import type { PageLeave } from './pageLifecycle';
import { Scheduler } from '../time/scheduler';
import { StoredOwner } from './storedOwner';
import { Logger, Transport } from './Transport';

/** Options of {@link Delivery}. */
export type DeliveryOptions = {
  /** The transport, still loading; a rejection means nothing can be sent. */
  transport: Promise<Transport>;
  /** The user's id, still resolving; undefined when no user is identified. */
  userId?: Promise<string>;
  /** How long calls wait for `userId` before they go out anonymous. */
  identityTimeoutMs: number;
  logger: Logger;
  /** Most calls kept while the transport or the identity is not ready; the oldest are dropped beyond it. */
  maxWaiting?: number;
  /** Last look at a call just before it is handed over (e.g. the page's settled title). */
  beforeSend?: (call: SegmentCall) => SegmentCall;
  /**
   * How much longer (ms) a call at the head of the queue should wait; 0: none.
   * Given when the call reached delivery and the time now, on the scheduler's monotonic clock.
   */
  holdMs?: (call: SegmentCall, clock: CallClock) => number;
  /** Where calls that could not be handed over go when the page is left; none: not kept. */
  store?: CallStore;
  /** Decides across tabs which page load sends a stored call (see {@link ClaimLedger}); none: the store alone. */
  ledger?: ClaimLedger;
  /** The user the browser's stored identity belongs to (see {@link StoredOwner}). */
  storedOwner?: StoredOwner;
  /** Subscribes to the page being hidden or left, and shown again (see `listenForPageLeave`). */
  onPageLeave?: (listener: (leave?: PageLeave) => void, back: () => void) => unknown;
  scheduler?: Scheduler;
  /** Most calls in flight at once (see {@link MAX_IN_FLIGHT}); never applies when the page is left. */
  maxInFlight?: number;
  /** With batching, the batch size: calls are handed over one batch at a time (see `createHandOverPacer`). */
  handOverGroup?: number;
  /** Makes messageIds and anonymous ids. */
  newId?: () => string;
};
