import { CallClock } from '../mapping/pageHistory';
import { SegmentCall } from '../mapping/SegmentCall';
import { fitToSizeLimit } from '../mapping/fitToSizeLimit';
import { createWarnOnce, describeError, safeLogger } from '../warnSafely';
import { CallStore, StoredCall } from './callStore';
import { createDeadlineQueue, DeadlineQueue } from './deadlineQueue';
import { createHandOverPacer, HandOverPacer } from './handOverPacer';
import { monotonicClock } from './monotonicClock';
import { isStorageFailure } from './storageProbe';
import { RestoredCalls } from './restoredCalls';
import { StoredOwner } from './storedOwner';
import { Logger, Transport } from './Transport';

/** Longest run of handing calls over in one task, so the page stays responsive (a long task is 50 ms). */
const SLICE_MS = 8;

/** How often a held page call looks again for its title. */
const HOLD_POLL_MS = 50;

/**
 * Most calls handed over that the library has not finished processing: a
 * burst handed to the library at once would open thousands of requests, more
 * than the browser takes (they fail, and wait for the library's back-off).
 */
export const MAX_IN_FLIGHT = 64;

/** A call the library has not answered for this long no longer counts as in flight. */
const IN_FLIGHT_TIMEOUT_MS = 10_000;

/** Default bound on the calls kept while the library or the identity is not ready. */
export const MAX_WAITING = 5000;

/**
 * The clocks and timers Delivery runs on; injected so tests use fake timers.
 * Every wait and time slice is measured on the monotonic `now` (and on
 * timers, which browsers run on a monotonic clock too); the wall clock only
 * gives the timestamps that are sent.
 */
export type Scheduler = {
  /** Monotonic milliseconds from an arbitrary origin (see {@link monotonicClock}). */
  now(): number;
  /** Wall-clock epoch milliseconds, for timestamps only. */
  wallNow(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

/** The browser's clocks and timers. */
export const browserScheduler: Scheduler = {
  now: monotonicClock(),
  wallNow: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: handle => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

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
  /** The user the browser's stored identity belongs to (see {@link StoredOwner}). */
  storedOwner?: StoredOwner;
  /** Subscribes to the page being hidden or left (see `listenForPageLeave`). */
  onPageLeave?: (listener: () => void) => unknown;
  scheduler?: Scheduler;
  /** Most calls in flight at once (see {@link MAX_IN_FLIGHT}); never applies when the page is left. */
  maxInFlight?: number;
  /** With batching, the batch size: calls are handed over one batch at a time (see {@link createHandOverPacer}). */
  handOverGroup?: number;
  /** Makes messageIds and anonymous ids. */
  newId?: () => string;
};

type TransportState = { kind: 'loading' } | { kind: 'ready'; transport: Transport } | { kind: 'dead' };

/** `waiting`: the identity is resolving and calls wait for it (at most the time-out). */
type IdentityState = { kind: 'waiting' } | { kind: 'known'; userId: string } | { kind: 'anonymous' };

type Item =
  | {
      kind: 'call';
      call: SegmentCall;
      /** When it reached delivery, on the scheduler's monotonic clock. */
      at: number;
      /** Given when the call was stored; a stored call is sent only if it is still in the store. */
      messageId?: string;
      stored?: boolean;
    }
  /** This page's session starts here: identify `userId`, or anonymous. */
  | { kind: 'session'; userId: string | undefined };

type CallItem = Extract<Item, { kind: 'call' }>;

function randomId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const hex = () => Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}`;
}

/**
 * Holds calls until they can go out, then hands them to the transport in
 * capture order: after the transport has loaded, and after the session has
 * started (the user identified or, when identity is late or failed, anonymous).
 *
 * @remarks
 * `enqueue` only stores and schedules: all work on the calls happens later,
 * off the caller's stack, in slices of at most a few milliseconds. Only
 * while waiting is memory bounded (`maxWaiting`); once the transport and
 * the identity are ready, nothing is dropped. When the page is hidden or
 * left, everything that can be handed over is, at once; what cannot (the
 * transport or the identity not ready) goes to the store, and the next page
 * load sends it, exactly once, for the user it belongs to.
 */
export class Delivery {
  private queue: Item[] = [];
  private head = 0;
  private transportState: TransportState = { kind: 'loading' };
  private identity: IdentityState;
  /** The user of the session already started on the transport; undefined: anonymous or not started. */
  private sessionUserId?: string;
  /** Calls earlier page loads stored: handed over before the queue, paced like it. */
  private readonly restored?: RestoredCalls;
  private timer?: unknown;
  private identityTimer?: unknown;
  private identityClockStarted = false;
  /** Calls in the queue (the queue also holds session starts). */
  private calls = 0;
  private dropped = 0;
  private inFlight = 0;
  /** One fresh anonymous id for this page's stored anonymous calls, when a previous user is stored. */
  private leaveAnonymousId?: string;
  private readonly scheduler: Scheduler;
  private readonly maxWaiting: number;
  private readonly newId: () => string;
  private readonly logger: Logger;
  private readonly warnOnce: (topic: string, message: string) => void;
  /** Gives up on calls in flight for too long, on one timer for all of them. */
  private readonly inFlightTimeouts: DeadlineQueue<() => void>;
  private readonly pacer: HandOverPacer;

  constructor(private readonly options: DeliveryOptions) {
    this.scheduler = options.scheduler ?? browserScheduler;
    this.inFlightTimeouts = createDeadlineQueue<() => void>(IN_FLIGHT_TIMEOUT_MS, giveUp => giveUp(), this.scheduler);
    this.pacer = createHandOverPacer(options.maxInFlight ?? MAX_IN_FLIGHT, options.handOverGroup);
    this.maxWaiting = options.maxWaiting ?? MAX_WAITING;
    this.newId = options.newId ?? randomId;
    this.logger = safeLogger(options.logger);
    this.warnOnce = createWarnOnce(this.logger);
    this.restored = options.store && new RestoredCalls(options.store);
    if (options.userId) {
      this.identity = { kind: 'waiting' };
      this.awaitIdentity(options.userId);
    } else {
      this.identity = { kind: 'anonymous' };
      this.push({ kind: 'session', userId: undefined });
    }
    options.transport.then(
      transport => this.transportReady(transport),
      error => this.die(error),
    );
    options.onPageLeave?.(() => this.leave());
  }

  /** Keeps a call for delivery; returns at once. */
  enqueue(call: SegmentCall): void {
    if (this.transportState.kind === 'dead') return;
    if (!this.canSend() && this.calls >= this.maxWaiting) this.dropOldestCall();
    this.push({ kind: 'call', call, at: this.scheduler.now() });
    this.startIdentityClock();
    this.schedule(0);
  }

  private canSend(): boolean {
    return this.transportState.kind === 'ready' && this.identity.kind !== 'waiting';
  }

  private push(item: Item) {
    if (item.kind === 'call') this.calls++;
    this.queue.push(item);
  }

  private unshift(item: Item) {
    if (this.head > 0) this.queue[--this.head] = item;
    else this.queue.unshift(item);
  }


  private dropOldestCall() {
    for (let i = this.head; i < this.queue.length; i++) {
      if (this.queue[i].kind === 'call') {
        this.queue.splice(i, 1);
        this.calls--;
        this.dropped++;
        return;
      }
    }
  }

  private warnDropped() {
    if (!this.dropped) return;
    this.warnOnce(
      'dropped',
      `Segment analytics: ${this.dropped} events were dropped (the oldest) while more than ${this.maxWaiting} ` +
        'waited for the Segment library or the user identity',
    );
  }

  private awaitIdentity(userId: Promise<string>) {
    userId.then(
      id => {
        this.scheduler.clearTimeout(this.identityTimer);
        // In time: the session starts before everything captured so far.
        // Late: after the anonymous calls already released.
        if (this.identity.kind === 'waiting') this.unshift({ kind: 'session', userId: id });
        else this.push({ kind: 'session', userId: id });
        this.identity = { kind: 'known', userId: id };
        this.schedule(0);
      },
      error => {
        if (this.identity.kind !== 'waiting') return; // the time-out already warned
        this.scheduler.clearTimeout(this.identityTimer);
        this.logger.warn(
          `Segment analytics: could not identify the user, events are sent anonymously: ${describeError(error)}`,
        );
        this.goAnonymous();
      },
    );
  }

  /**
   * Starts the identity clock when the first call starts waiting, not at
   * construction: an app may build this API long before its user signs in.
   */
  private startIdentityClock() {
    if (this.identity.kind !== 'waiting' || this.identityClockStarted) return;
    this.identityClockStarted = true;
    const { identityTimeoutMs } = this.options;
    this.identityTimer = this.scheduler.setTimeout(() => {
      if (this.identity.kind !== 'waiting') return;
      this.logger.warn(
        `Segment analytics: the user's identity was not known after ${identityTimeoutMs} ms; ` +
          'events are sent anonymously until it is',
      );
      this.goAnonymous();
    }, identityTimeoutMs);
  }

  private goAnonymous() {
    this.identity = { kind: 'anonymous' };
    this.unshift({ kind: 'session', userId: undefined });
    this.schedule(0);
  }

  private transportReady(transport: Transport) {
    if (this.transportState.kind !== 'loading') return;
    this.transportState = { kind: 'ready', transport };
    // Read only now, so that the app's start stays light; without the calls this
    // page stored itself when hidden: they keep their place in its queue.
    this.restored?.read(new Set(this.queue.slice(this.head).map(item => (item.kind === 'call' && item.stored ? item.messageId : undefined))));
    // Anonymous calls of an earlier page load go first, with the identity
    // that load had: nothing of this page's session has started yet.
    this.restored?.take(null);
    this.schedule(0);
  }

  private die(error: unknown) {
    const lost = this.queue.slice(this.head).filter(item => item.kind === 'call').length;
    this.transportState = { kind: 'dead' };
    this.queue = [];
    this.head = 0;
    this.calls = 0;
    this.scheduler.clearTimeout(this.timer);
    const why = isStorageFailure(error) ? "failed on the browser's storage" : 'could not be loaded (blocked or offline?)';
    this.logger.warn(
      `Segment analytics: the Segment library ${why}; analytics is off for this page (${lost} events not sent): ` +
        `${describeError(error)}`,
    );
  }

  /** True when something can be handed over now: restored calls, or queued ones once the identity is settled. */
  private hasWork(): boolean {
    if (this.transportState.kind !== 'ready') return false;
    if (this.restored?.pending) return true;
    return this.identity.kind !== 'waiting' && this.head < this.queue.length;
  }

  private schedule(ms: number) {
    if (this.timer !== undefined || !this.hasWork()) return;
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = undefined;
      this.drain(false);
    }, ms);
  }

  /**
   * Hands calls over, restored ones first, then the queue in capture order:
   * for at most {@link SLICE_MS} per task (measured on the monotonic clock,
   * after every call), or everything at once when the page is being left
   * (then no call is held).
   */
  private drain(leaving: boolean) {
    const state = this.transportState;
    if (state.kind !== 'ready') return;
    if (this.identity.kind !== 'waiting') this.warnDropped();
    const { holdMs } = this.options;
    const start = this.scheduler.now();
    for (let count = 0; this.hasWork(); count++) {
      if (!leaving && count > 0 && this.scheduler.now() - start >= SLICE_MS) break;
      const full = !leaving && this.pacer.full(this.inFlight);
      if (this.restored?.pending) {
        if (full) break; // a settling call schedules the next drain
        this.sendStored(state.transport, this.restored.next());
        continue;
      }
      const item = this.queue[this.head];
      if (item.kind === 'call') {
        if (item.stored) {
          this.claimStored();
          continue; // the queue has changed: look at its head again
        }
        const wait = !leaving && holdMs ? holdMs(item.call, { capturedAt: item.at, now: this.scheduler.now() }) : 0;
        if (wait > 0) {
          this.compact();
          this.schedule(Math.min(wait, HOLD_POLL_MS));
          return;
        }
        if (full) break;
      }
      this.head++;
      if (item.kind === 'call') this.calls--;
      this.handle(state.transport, item);
    }
    this.compact();
    if (!leaving && this.pacer.full(this.inFlight)) return; // a settling call schedules the next drain
    this.schedule(0);
  }

  private compact() {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private handle(transport: Transport, item: Item) {
    if (item.kind === 'session') {
      this.startSession(transport, item.userId);
      return;
    }
    const prepared = this.prepare(item.call);
    if (prepared) this.send(transport, prepared, { userId: this.sessionUserId, messageId: item.messageId });
  }

  private startSession(transport: Transport, userId: string | undefined) {
    this.sessionUserId = userId;
    const next = this.queue.slice(this.head).find(item => item.kind === 'call');
    const now = new Date(this.scheduler.wallNow());
    const timestamp = next?.kind === 'call' && next.call.timestamp < now ? next.call.timestamp : now;
    try {
      transport.startSession(userId, timestamp);
    } catch (error) {
      this.logger.warn(`Segment analytics: identify failed: ${describeError(error)}`);
    }
    if (userId !== undefined) this.restored?.take(userId);
    this.restored?.forgetOthers();
  }

  private sendStored(transport: Transport, stored: StoredCall) {
    const call = fitToSizeLimit(stored.call);
    if (!call) return;
    this.send(transport, call, {
      userId: stored.owner ?? undefined,
      messageId: stored.messageId,
      anonymousId: stored.anonymousId,
    });
  }

  /**
   * The page stored its waiting calls when it was hidden, and is back: takes
   * them back from the store in one go, and drops from the queue those no
   * longer stored (another page load has sent them).
   */
  private claimStored() {
    const mine = this.queue.slice(this.head).filter(item => item.kind === 'call' && item.stored) as CallItem[];
    const taken = this.options.store!.take(mine.map(item => item.messageId!));
    for (const item of mine) item.stored = false;
    const gone = new Set(mine.filter(item => !taken.has(item.messageId!)));
    if (!gone.size) return;
    this.queue = this.queue.slice(this.head).filter(item => !gone.has(item as CallItem));
    this.head = 0;
    this.calls -= gone.size;
  }

  /**
   * The page is being hidden or left. What can be handed over is, at once,
   * held calls too: restored calls whenever the transport is ready, the
   * queue once the identity is settled. The library may not get to send
   * what it is handed now (its pipeline runs on timers, which stop with the
   * page): a copy is kept, and the next load resends it with the same
   * messageId (Segment de-duplicates). What cannot be handed over is stored
   * (and also stays here, in case the page comes back).
   */
  private leave() {
    const state = this.transportState;
    if (state.kind === 'dead') return;
    const canSend = this.canSend();
    if (!canSend) this.warnDropped();
    this.storeWaiting(this.restored?.remaining() ?? [], canSend ? this.sessionUserId ?? null : null, !canSend);
    if (state.kind !== 'ready') return;
    try {
      state.transport.leaving?.();
    } catch {
      // keepalive is a bonus: the library also keeps its queue for the next load
    }
    this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    this.drain(true);
  }

  /**
   * Stores `copies` (restored calls, as they were stored) and the calls still
   * in the queue, with the user each belongs to, in one write. `claim`: the
   * queued calls are sent from here only if still stored when their turn
   * comes (else another load took them); otherwise the stored copy stays.
   */
  private storeWaiting(copies: StoredCall[], initialOwner: string | null, claim: boolean) {
    const { store } = this.options;
    if (!store) return;
    const toStore = [...copies];
    const queued: CallItem[] = [];
    let owner = initialOwner;
    for (let i = this.head; i < this.queue.length; i++) {
      const item = this.queue[i];
      if (item.kind === 'session') {
        owner = item.userId ?? null;
        continue;
      }
      const call = this.prepare(item.call);
      if (!call) continue;
      item.messageId ??= this.newId();
      queued.push(item);
      toStore.push({ messageId: item.messageId, owner, call, ...this.anonymousIdFor(owner) });
    }
    if (!toStore.length) return;
    const kept = store.save(toStore);
    if (claim) for (const item of queued) item.stored = kept.has(item.messageId!);
  }

  /**
   * Anonymous calls stored while another user's identity is kept in this
   * browser must not carry that user's anonymous id: they get a fresh one.
   */
  private anonymousIdFor(owner: string | null): { anonymousId?: string } {
    if (owner !== null || this.options.storedOwner?.get() === undefined) return {};
    this.leaveAnonymousId ??= this.newId();
    return { anonymousId: this.leaveAnonymousId };
  }

  /** Counts a call in flight until the library has processed it (or it is given up on). */
  private track(attempt: Promise<unknown>) {
    this.inFlight++;
    this.pacer.handed();
    const call = { settled: false, cancel: () => {} };
    const settle = () => {
      if (call.settled) return;
      call.settled = true;
      call.cancel();
      this.inFlight--;
      this.schedule(0);
    };
    call.cancel = this.inFlightTimeouts.add(settle);
    attempt.then(settle, settle);
  }

  private prepare(call: SegmentCall): SegmentCall | undefined {
    let fitted: SegmentCall | undefined;
    try {
      fitted = fitToSizeLimit(this.options.beforeSend ? this.options.beforeSend(call) : call);
    } catch (error) {
      this.logger.warn(`Segment analytics: could not prepare a '${call.properties.action}' event: ${describeError(error)}`);
      return undefined;
    }
    if (!fitted) {
      this.logger.warn(
        `Segment analytics: dropped a '${call.properties.action}' event larger than Segment's 32 KB limit`,
      );
    }
    return fitted;
  }

  private send(transport: Transport, call: SegmentCall, options: Parameters<Transport['send']>[1]) {
    try {
      const attempt = transport.send(call, options);
      if (attempt && typeof attempt.then === 'function') this.track(attempt);
    } catch (error) {
      this.logger.warn(`Segment analytics: could not send a '${call.properties.action}' event: ${describeError(error)}`);
    }
  }
}
