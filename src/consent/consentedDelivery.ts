import type { SegmentCall } from '../mapping/SegmentCall';
import type { Transport } from '../delivery/Transport';

/** The part of a delivery the consent rules drive. */
export type StoppableDelivery = { enqueue(call: SegmentCall, waitedMs?: number): void; stop(): void };

/** See {@link ConsentedDelivery}. */
export type ConsentedDeliveryOptions = {
  /** A new delivery; `observe` must see its transport once loaded (it may add to it). */
  create(observe: (transport: Transport) => Transport): StoppableDelivery;
  /** Removes what the module and the library stored in the browser. */
  forget(): void;
  /** Removes the library's stored identity (ids, traits, group); see {@link ConsentedDelivery.start}. */
  forgetIdentity?(): void;
  /** Subscribes to the page being hidden or left. */
  onPageLeave(listener: () => void): unknown;
  /** The wall clock, as calls' capture times read it (default `Date.now`). */
  now?: () => number;
  /** Runs the removal again a moment after a switch-off (see {@link ConsentedDelivery.stop}); none: not again. */
  setTimeout?: (run: () => void, ms: number) => unknown;
  /**
   * Taken as analytics is switched off, before `forget`, with the anonymous
   * id the page's library held: tells whether the browser holds anything of
   * the period that ends (what only a tab that never learned of the "no"
   * could have stored since); undefined where that cannot be told (then
   * nothing is removed again).
   */
  period?: (ownId: string | undefined) => (() => boolean) | undefined;
};

/**
 * How long after a switch-off this page removes what the browser keeps once
 * more: another tab closed at the moment of the "no" stores what it holds
 * as it goes, before it can learn of it.
 */
export const SETTLE_MS = 2000;

type Session = { delivery: StoppableDelivery; transport?: Transport; stopped: boolean };

/**
 * Where analytics stands: `waiting` for the first decision; `on`, with its
 * delivery, taking the calls captured from `since` (-Infinity before any
 * switch-off); `off`, `settling` for {@link SETTLE_MS} after a switch-off
 * that ended a session: until `until` (wall clock), `leftovers` tells whether
 * the browser holds anything of the period that ended.
 */
type SwitchState =
  | { kind: 'waiting' }
  | { kind: 'on'; session: Session; since: number }
  | { kind: 'off'; settling?: { until: number; leftovers: () => boolean } };

/**
 * Delivery that follows the user's choice: none before a granted decision;
 * a new one (a new library instance, so a fresh anonymous id) each time
 * analytics is switched on; on switching off the current one is stopped,
 * its library cut off from the network, and what was stored in the browser
 * removed (again when the page is left, after the library has written its
 * queues, and once more should a library still loading arrive later; a page
 * off since it loaded removes it once, as it is switched off).
 * Driven by the consent gate: `start` and `stop` come on changes only.
 */
export class ConsentedDelivery {
  private state: SwitchState = { kind: 'waiting' };
  /** The page-leave listener of switched-off analytics is registered (once, at the first switch-off of a session). */
  private listening = false;
  /** What tells each period that ended in this page (see `periodOf`; none for one with no id of its own: its library never loaded). */
  private ended: Array<() => boolean> = [];

  constructor(private readonly options: ConsentedDeliveryOptions) {}

  /**
   * Hands a call to the current delivery; dropped while analytics is off,
   * and, once it was switched off, dropped when captured before it was
   * switched on again: captured while off, or before (a call still being
   * redacted then, a slow pseudonym say, must not go out with a later "yes",
   * under its new anonymous id).
   */
  enqueue(call: SegmentCall, waitedMs?: number): void {
    const state = this.state;
    if (state.kind !== 'on') return;
    // The clock stepped back since the switch-on: capture times no longer tell before from after; let calls through.
    if (this.now() < state.since) state.since = -Infinity;
    if (call.timestamp.getTime() < state.since) return;
    state.session.delivery.enqueue(call, waitedMs);
  }

  /**
   * Analytics is switched on: a new delivery. `byUser`: by the user in this
   * page (not a stored choice read, nor another tab's), so the library's
   * stored identity is removed first, at once (before other tabs learn of
   * it), and its session starts with a fresh anonymous id: after a "no",
   * another Segment instance on the site (a snippet, an app on the same
   * cookie domain) may have written back the ids it removed.
   */
  start(byUser = false): void {
    if (this.state.kind === 'on') return;
    if (byUser) this.options.forgetIdentity?.();
    // Switched on again right after a switch-off: what a tab closed at that moment stored is not this period's.
    const settling = this.state.kind === 'off' ? this.state.settling : undefined;
    if (settling && this.now() < settling.until && settling.leftovers()) this.options.forget();
    const since = this.state.kind === 'off' ? this.now() : -Infinity;
    const session: Session = { delivery: undefined as unknown as StoppableDelivery, stopped: false };
    session.delivery = this.options.create(transport => {
      session.transport = transport;
      if (session.stopped) this.cut(transport);
      return transport;
    });
    this.state = { kind: 'on', session, since };
  }

  /**
   * Analytics was switched off and on again without this page seeing it (see
   * `ConsentGateOptions.onSwitchedOffUnseen`): the session ends as at a "no"
   * (what it holds dropped, its library cut off) and a new one begins, taking
   * the calls captured from now. What the browser keeps is left alone: the
   * "no" removed what was there where it was said in this browser (what is
   * there now is the new period's); said on another device, it left this
   * browser's ids, with which every load of it goes on, this one too.
   */
  restart(): void {
    const previous = this.state;
    if (previous.kind !== 'on') return;
    this.end(previous.session);
    this.state = { kind: 'off' };
    this.start();
  }

  /** Analytics is switched off: nothing more sent, nothing left behind. */
  stop(): void {
    const previous = this.state;
    // Before anything is removed (cutting the library off removes what the browser keeps).
    const leftovers = previous.kind === 'on' ? this.periodOf(previous.session) : undefined;
    if (leftovers) this.ended.push(leftovers);
    this.state = { kind: 'off' };
    if (previous.kind === 'on') this.end(previous.session);
    this.options.forget();
    if (leftovers && this.options.setTimeout) {
      // A tab closed at this moment (it cannot learn of the "no" any more) stores its queues and ids as it goes:
      // removed once more, only where something of the period that ended is there (another tab's "yes" since,
      // which this page may not be told of, has ids of its own).
      this.state = { kind: 'off', settling: { until: this.now() + SETTLE_MS, leftovers } };
      this.options.setTimeout(() => {
        if (this.state.kind === 'off' && leftovers()) this.options.forget();
      }, SETTLE_MS);
    }
    // Only a page whose library ran can leave something behind as it goes (the library stores its queues on
    // pagehide). A page off since it loaded has nothing of its own to remove, and what other tabs keep (switched
    // on since, which this page is not told of without signals) is theirs: removing it lost their events.
    if (previous.kind !== 'on' || this.listening) return;
    this.listening = true;
    // Registered now, after the library's own listeners: runs after they have stored their queues. Only where
    // something of a period that ended here is there: what another tab keeps since (a "yes" this page is not told
    // of, its own ids) is theirs, removed with the rest it lost their events. A period with no id of its own (its
    // library never loaded) left nothing; a library arriving late is cut off and its calls removed by id.
    this.options.onPageLeave(() => {
      if (this.state.kind === 'off' && this.ended.some(holds => holds())) this.options.forget();
    });
  }

  /** What tells the period `session` belongs to (see `ConsentedDeliveryOptions.period`); never throws. */
  private periodOf(session: Session): (() => boolean) | undefined {
    try {
      const leftovers = this.options.period?.(session.transport?.anonymousId?.());
      return leftovers && (() => {
        try {
          return leftovers();
        } catch {
          return false;
        }
      });
    } catch {
      return undefined;
    }
  }

  private end(session: Session) {
    session.stopped = true;
    session.delivery.stop();
    if (session.transport) this.cut(session.transport);
  }

  private now() {
    return (this.options.now ?? Date.now)();
  }

  private cut(transport: Transport) {
    try {
      transport.stop?.();
    } catch {
      // the library is cut off at best effort; its stores are removed below either way
    }
    // A library of a stopped session that arrives once analytics is on again must not remove the new session's ids.
    if (this.state.kind === 'off') this.options.forget();
  }
}
