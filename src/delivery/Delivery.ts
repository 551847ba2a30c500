import { SegmentCall } from '../mapping/SegmentCall';
import { fitToSizeLimit } from '../mapping/fitToSizeLimit';
import { Logger, Transport } from './Transport';

/** Calls handed to the transport in one task before yielding to the page. */
const SLICE = 20;

type Item = { kind: 'call'; call: SegmentCall } | { kind: 'identify'; userId: string };

/** Options of {@link Delivery}. */
export type DeliveryOptions = {
  /** The transport, still loading; a rejection means nothing can be sent. */
  transport: Promise<Transport>;
  /** The user's id, still resolving; undefined when no user is identified. */
  userId?: Promise<string>;
  /** How long calls wait for `userId` before they go out anonymous. */
  identityTimeoutMs: number;
  logger: Logger;
  /** Most calls kept while waiting; the oldest are dropped beyond it. */
  maxQueued?: number;
  /** Most time `identify` may hold the calls after it. */
  identifyGraceMs?: number;
  /** Last look at a call just before it is sent (e.g. the page's settled title). */
  beforeSend?: (call: SegmentCall) => SegmentCall;
};

/**
 * Runs `fn` after the next frame has been painted, so that what the page does
 * in response to an event (a new title, say) is done first; a timer stands in
 * where frames do not run (hidden tabs, tests).
 */
function afterNextFrame(fn: () => void) {
  let done = false;
  const once = () => {
    if (!done) {
      done = true;
      fn();
    }
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, 100);
}

/**
 * Holds calls until they can go out, then hands them to the transport in
 * capture order: after the transport has loaded, and after the user's
 * `identify` (or, when identity is late or failed, anonymous).
 *
 * @remarks
 * `enqueue` only stores and schedules: all work on the calls happens later,
 * off the caller's stack. Memory is bounded: a transport that never loads
 * costs one warning and the queued calls, nothing more.
 */
export class Delivery {
  private readonly queue: Item[] = [];
  private transport?: Transport;
  private dead = false;
  private gateOpen: boolean;
  private userId?: string;
  private flushing = false;
  private scheduled = false;
  private droppedForSpace = false;
  private readonly maxQueued: number;
  private identityTimer?: ReturnType<typeof setTimeout>;
  private identitySettled = false;

  constructor(private readonly options: DeliveryOptions) {
    this.maxQueued = options.maxQueued ?? 1000;
    this.gateOpen = !options.userId;
    options.transport.then(
      transport => {
        this.transport = transport;
        this.schedule();
      },
      error => this.die(error),
    );
    if (options.userId) this.awaitIdentity(options.userId);
  }

  /** Keeps a call for delivery; returns at once. */
  enqueue(call: SegmentCall): void {
    if (this.dead) return;
    if (this.queue.length >= this.maxQueued) {
      const oldest = this.queue.findIndex(item => item.kind === 'call');
      this.queue.splice(oldest, 1);
      if (!this.droppedForSpace) {
        this.droppedForSpace = true;
        this.options.logger.warn(
          `Segment analytics: more than ${this.maxQueued} events waiting to be sent; dropping the oldest`,
        );
      }
    }
    this.queue.push({ kind: 'call', call });
    this.armIdentityTimeout();
    this.schedule();
  }

  private awaitIdentity(userId: Promise<string>) {
    userId.then(
      id => {
        this.identitySettled = true;
        clearTimeout(this.identityTimer);
        // In time: identify goes before everything captured so far. Late:
        // it goes after the anonymous calls already released.
        if (this.gateOpen) this.queue.push({ kind: 'identify', userId: id });
        else this.queue.unshift({ kind: 'identify', userId: id });
        this.openGate();
      },
      error => {
        this.identitySettled = true;
        if (this.gateOpen) return; // the time-out already warned
        clearTimeout(this.identityTimer);
        this.options.logger.warn(
          `Segment analytics: could not identify the user, events are sent anonymously: ${error}`,
        );
        this.openGate();
      },
    );
  }

  /**
   * Starts the identity clock when the first call starts waiting, not at
   * construction: an app may build this API long before its user signs in.
   */
  private armIdentityTimeout() {
    if (this.gateOpen || this.identitySettled || this.identityTimer) return;
    const { identityTimeoutMs, logger } = this.options;
    this.identityTimer = setTimeout(() => {
      if (this.identitySettled) return;
      logger.warn(
        `Segment analytics: the user's identity was not known after ${identityTimeoutMs} ms; ` +
          'events are sent anonymously until it is',
      );
      this.openGate();
    }, identityTimeoutMs);
  }

  private openGate() {
    this.gateOpen = true;
    this.schedule();
  }

  private die(error: unknown) {
    this.dead = true;
    const lost = this.queue.filter(item => item.kind === 'call').length;
    this.queue.length = 0;
    this.options.logger.warn(
      `Segment analytics: the Segment library could not be loaded (blocked or offline?); ` +
        `analytics is off for this page (${lost} events not sent): ${error}`,
    );
  }

  private schedule() {
    if (this.scheduled || this.flushing || !this.transport || !this.gateOpen || !this.queue.length) return;
    this.scheduled = true;
    afterNextFrame(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush() {
    const transport = this.transport!;
    this.flushing = true;
    try {
      let sentInTask = 0;
      for (let item = this.queue.shift(); item; item = this.queue.shift()) {
        if (item.kind === 'identify') {
          this.userId = item.userId;
          await this.identify(transport, item.userId);
        } else {
          this.send(transport, item.call);
          // The library's work per call is not free (storage, cookies): hand
          // over a long queue in slices, so the page stays responsive.
          if (++sentInTask === SLICE && this.queue.length) {
            sentInTask = 0;
            await new Promise(resolve => setTimeout(resolve, 0));
          }
        }
      }
    } finally {
      this.flushing = false;
    }
    this.schedule();
  }

  /** Waits for identify to be handled, so it reaches the wire first; never forever. */
  private async identify(transport: Transport, userId: string) {
    const first = this.queue.find(item => item.kind === 'call');
    const timestamp = first?.kind === 'call' && first.call.timestamp < new Date() ? first.call.timestamp : new Date();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>(resolve => {
      timer = setTimeout(resolve, this.options.identifyGraceMs ?? 2000);
    });
    try {
      await Promise.race([transport.identify(userId, timestamp), grace]);
    } catch (error) {
      this.options.logger.warn(`Segment analytics: identify failed: ${error}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private send(transport: Transport, call: SegmentCall) {
    const fitted = fitToSizeLimit(this.options.beforeSend ? this.options.beforeSend(call) : call);
    if (!fitted) {
      this.options.logger.warn(
        `Segment analytics: dropped a '${call.properties.action}' event larger than Segment's 32 KB limit`,
      );
      return;
    }
    try {
      transport.send(fitted, this.userId);
    } catch (error) {
      this.options.logger.warn(`Segment analytics: could not send a '${call.properties.action}' event: ${error}`);
    }
  }
}
