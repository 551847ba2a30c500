import type { SegmentCall } from '../mapping/SegmentCall';
import type { Transport } from '../delivery/Transport';

/** The part of a delivery the consent rules drive. */
export type StoppableDelivery = { enqueue(call: SegmentCall): void; stop(): void };

/** See {@link ConsentedDelivery}. */
export type ConsentedDeliveryOptions = {
  /** A new delivery; `observe` must see its transport once loaded (it may add to it). */
  create(observe: (transport: Transport) => Transport): StoppableDelivery;
  /** Removes what the module and the library stored in the browser. */
  forget(): void;
  /** Subscribes to the page being hidden or left. */
  onPageLeave(listener: () => void): unknown;
  /** The wall clock, as calls' capture times read it (default `Date.now`). */
  now?: () => number;
};

type Session = { delivery: StoppableDelivery; transport?: Transport; stopped: boolean };

/**
 * Delivery that follows the user's choice: none before a granted decision;
 * a new one (a new library instance, so a fresh anonymous id) each time
 * analytics is switched on; on switching off the current one is stopped,
 * its library cut off from the network, and what was stored in the browser
 * removed (again when the page is left, after the library has written its
 * queues, and once more should a library still loading arrive later).
 */
export class ConsentedDelivery {
  private session?: Session;
  private listening = false;
  private off = false;
  /** After a switch-off, when analytics was switched on again: calls captured before are never sent (see `enqueue`). */
  private acceptsFrom?: number;

  constructor(private readonly options: ConsentedDeliveryOptions) {}

  /**
   * Hands a call to the current delivery; dropped while analytics is off,
   * and, once it was switched off, dropped when captured before it was
   * switched on again: captured while off, or before (a call still being
   * redacted then, a slow pseudonym say, must not go out with a later "yes",
   * under its new anonymous id).
   */
  enqueue(call: SegmentCall): void {
    if (this.acceptsFrom !== undefined) {
      // The clock stepped back since the switch-on: capture times no longer tell before from after; let calls through.
      if ((this.options.now ?? Date.now)() < this.acceptsFrom) this.acceptsFrom = -Infinity;
      if (call.timestamp.getTime() < this.acceptsFrom) return;
    }
    this.session?.delivery.enqueue(call);
  }

  /** Analytics is switched on: a new delivery. */
  start(): void {
    this.off = false;
    if (this.acceptsFrom !== undefined) this.acceptsFrom = (this.options.now ?? Date.now)();
    if (this.session) return;
    const session: Session = { delivery: undefined as unknown as StoppableDelivery, stopped: false };
    session.delivery = this.options.create(transport => {
      session.transport = transport;
      if (session.stopped) this.cut(transport);
      return transport;
    });
    this.session = session;
  }

  /** Analytics is switched off: nothing more sent, nothing left behind. */
  stop(): void {
    this.off = true;
    this.acceptsFrom = Infinity;
    const session = this.session;
    this.session = undefined;
    if (session) {
      session.stopped = true;
      session.delivery.stop();
      if (session.transport) this.cut(session.transport);
    }
    this.options.forget();
    if (this.listening) return;
    this.listening = true;
    // Registered now, after the library's own listeners: runs after they have stored their queues.
    this.options.onPageLeave(() => {
      if (this.off) this.options.forget();
    });
  }

  private cut(transport: Transport) {
    try {
      transport.stop?.();
    } catch {
      // the library is cut off at best effort; its stores are removed below either way
    }
    // A library of a stopped session that arrives once analytics is on again must not remove the new session's ids.
    if (this.off) this.options.forget();
  }
}
