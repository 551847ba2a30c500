import { SegmentCall } from '../mapping/SegmentCall';
import { createWarnOnce, describeError, SafeLogger, safeLogger } from '../warnSafely';
import { CallQueue, createWaitingBound, QueueItem, WaitingBound } from './callQueue';
import { CarryOver } from './carryOver';
import { randomId } from './randomId';
import { libraryFailure } from './libraryFailure';
import { CallWarnings, createCallWarnings, prepareCall, sendCall, sendStoredCall } from './handOver';
import { createIdentityGate, IdentityGate } from './identityGate';
import { createInFlight, InFlight, MAX_IN_FLIGHT, startSlice } from './pacing';
import { Readiness, readinessOf, TransportState } from './readiness';
import { DeliveryOptions } from './deliveryOptions';
import { PageLeave } from './pageLifecycle';
import { browserScheduler, Scheduler } from '../time/scheduler';
import { Transport } from './Transport';

const HOLD_POLL_MS = 50; // how often a held page call looks again for its title
const MAX_WAITING = 5000; // default bound on the calls kept while the library or the identity is not ready

/** `paced`: time slices, in-flight bound, held calls wait; `leaving`: everything, at once. */
type DrainMode = 'paced' | 'leaving';

/**
 * Holds calls until they can go out, then hands them to the transport in
 * capture order: after the transport has loaded, and after the session has
 * started (the user identified or, when identity is late or failed, anonymous).
 *
 * @remarks
 * Wires small parts: the ordered {@link CallQueue}, the identity gate
 * (`identityGate.ts`), pacing (`pacing.ts`), and the carry-over store
 * layered on top ({@link CarryOver}). `enqueue` only stores and schedules:
 * all work on the calls happens later, off the caller's stack, in slices of
 * at most a few milliseconds. Only while waiting is memory bounded
 * (`maxWaiting`); once the transport and the identity are ready, nothing is
 * dropped. When the page is hidden or left, everything that can be handed
 * over is, at once; what cannot goes to the store, and the next page load
 * sends it, exactly once, for the user it belongs to.
 */
export class Delivery {
  private readonly queue = new CallQueue();
  private transportState: TransportState = { kind: 'loading' };
  private readonly identity: IdentityGate;
  /** The user of the session already started on the transport; undefined: anonymous or not started. */
  private sessionUserId?: string;
  private readonly carryOver?: CarryOver;
  private readonly inFlight: InFlight;
  private timer?: unknown;
  private readonly waiting: WaitingBound;
  private readonly scheduler: Scheduler;
  private readonly logger: SafeLogger;
  private readonly callWarnings: CallWarnings;

  constructor(private readonly options: DeliveryOptions) {
    this.scheduler = options.scheduler ?? browserScheduler;
    this.logger = safeLogger(options.logger);
    this.callWarnings = createCallWarnings(this.logger);
    this.waiting = createWaitingBound(options.maxWaiting ?? MAX_WAITING, createWarnOnce(this.logger));
    this.inFlight = createInFlight(this.scheduler, () => this.schedule(0), { max: options.maxInFlight ?? MAX_IN_FLIGHT, group: options.handOverGroup });
    const { store, newId = randomId } = options;
    const loaded = () => (this.transportState.kind === 'ready' ? this.transportState.transport : undefined);
    const ids = { standIn: () => loaded()?.standIn?.(), anonymousId: () => loaded()?.anonymousId?.() };
    this.carryOver = store && new CarryOver({ ...options, store, newId, onClaimed: () => this.schedule(0), scheduler: this.scheduler, ...ids });
    // Without a user id the anonymous session starts at once: the transport is still loading, so it only waits in the queue.
    this.identity = createIdentityGate({
      userId: options.userId,
      timeoutMs: options.identityTimeoutMs,
      scheduler: this.scheduler,
      logger: this.logger,
      onSession: (userId, place) => {
        const session = { kind: 'session', userId } as const;
        if (place === 'front') this.queue.startSessionFirst(session);
        else this.queue.push(session);
        this.schedule(0);
      },
      onRelease: () => this.schedule(0),
    });
    options.transport.then(
      transport => this.transportReady(transport),
      error => this.die(error),
    );
    options.onPageLeave?.(leave => this.leave(leave ?? { final: true }), () => this.carryOver?.cameBack());
  }

  /** Keeps a call for delivery; returns at once. `waitedMs`: how long it waited for pseudonyms before (see `IdentityGate.startClock`). */
  enqueue(call: SegmentCall, waitedMs?: number): void {
    const readiness = this.readiness();
    if (readiness === 'dead') return;
    if (readiness !== 'open' && readiness !== 'late') this.waiting.makeRoom(this.queue);
    this.queue.push({ kind: 'call', call, at: this.scheduler.now() });
    this.identity.startClock(waitedMs);
    this.schedule(0);
  }

  /**
   * Turns delivery off for good (the user switched analytics off): what is
   * queued is dropped, nothing more is handed over or stored, a transport
   * still loading is never used.
   */
  stop(): void {
    this.transportState = { kind: 'dead' };
    this.queue.clear();
    this.scheduler.clearTimeout(this.timer);
    this.identity.stop();
    this.carryOver?.restored.stop();
  }

  private readiness(): Readiness {
    return readinessOf(this.transportState, () => this.identity.state); // the transport first: the gate may report a session while it is made
  }

  /** True when something can be handed over now (no claim of the ledger unanswered): restored calls, or queued ones once the session can start. */
  private hasWork(): boolean {
    const readiness = this.readiness();
    if (readiness === 'loading' || readiness === 'failed' || readiness === 'dead' || this.carryOver?.claiming) return false;
    if (this.carryOver?.restored.pending) return true;
    return readiness === 'open' && !this.queue.empty;
  }

  private transportReady(transport: Transport) {
    if (this.transportState.kind !== 'loading') return;
    this.transportState = { kind: 'ready', transport };
    const restored = this.carryOver?.restored;
    // Read only now, so that the app's start stays light; not the calls this page stored when hidden (kept in its queue).
    restored?.read(new Set(this.queue.waiting().map(item => (item.kind === 'call' && item.stored ? item.messageId : undefined))));
    // Anonymous calls of an earlier page load go first, with the identity that load had: nothing of this page's session has started yet.
    restored?.take(null);
    this.schedule(0);
  }

  private die(error: unknown) { // the library could not be loaded: calls wait as while it loads, stored when the page is left
    if (this.transportState.kind !== 'loading') return; // switched off meanwhile (the user's choice): it stays off
    const lost = this.carryOver ? undefined : this.queue.calls;
    if (this.carryOver) this.transportState = { kind: 'failed' };
    else this.stop(); // nothing keeps the calls: off for good (no identity time-out to warn about either)
    this.scheduler.clearTimeout(this.timer);
    this.logger.warn(libraryFailure(error, lost));
  }

  private schedule(ms: number) {
    if (this.timer !== undefined || !this.hasWork()) return;
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = undefined;
      this.drain('paced');
    }, ms);
  }

  /**
   * Hands calls over, restored ones first, then the queue in capture order:
   * paced, for at most one time slice per task (see `pacing.ts`) and while
   * the library has room; or, when the page is being left, everything at
   * once (then no call is held).
   */
  private drain(mode: DrainMode) {
    const state = this.transportState;
    if (state.kind !== 'ready') return;
    if (this.identity.state.kind !== 'waiting') this.waiting.warn();
    const paced = mode === 'paced';
    const restored = this.carryOver?.restored;
    const slice = startSlice(this.scheduler);
    for (let count = 0; this.hasWork(); count++) {
      const now = paced ? this.scheduler.now() : 0;
      if (paced && slice.over(count, now)) break;
      const full = paced && this.inFlight.full();
      if (restored?.pending) {
        if (full) break; // a settling call schedules the next drain
        sendStoredCall(state.transport, restored.next(), { warn: this.callWarnings, inFlight: this.inFlight });
        continue;
      }
      const item = this.queue.peek()!;
      if (item.kind === 'call') {
        if (item.stored) {
          this.carryOver!.claimBack(this.queue);
          continue; // the queue has changed: look at its head again
        }
        const wait = (paced && this.options.holdMs?.(item.call, { capturedAt: item.at, now })) || 0;
        if (wait > 0) {
          this.queue.compact();
          this.schedule(Math.min(wait, HOLD_POLL_MS));
          return;
        }
        if (full) break;
      }
      this.handle(state.transport, this.queue.shift());
    }
    this.queue.compact();
    if (paced && this.inFlight.full()) return; // a settling call schedules the next drain
    this.schedule(0);
  }

  private handle(transport: Transport, item: QueueItem) {
    if (item.kind === 'session') {
      this.startSession(transport, item.userId);
      return;
    }
    const prepared = this.prepare(item.call);
    const options = { userId: this.sessionUserId, messageId: item.messageId };
    if (prepared) sendCall(transport, prepared, options, { warn: this.callWarnings, inFlight: this.inFlight });
  }

  private startSession(transport: Transport, userId: string | undefined) {
    this.sessionUserId = userId;
    // No later than the first call it goes with: the queue's, or one an earlier load of this user kept.
    let timestamp = new Date(this.scheduler.wallNow());
    for (const at of [this.queue.firstCall()?.call.timestamp, userId && this.carryOver?.restored.oldest(userId)]) if (at && at < timestamp) timestamp = at;
    try {
      transport.startSession(userId, timestamp);
    } catch (error) {
      this.logger.warn(`Segment analytics: identify failed: ${describeError(error)}`);
    }
    // An anonymous session (identity late or failed) keeps stored calls, should the identity come after all.
    if (userId !== undefined) this.carryOver?.restored.takeOnly(userId);
  }

  /**
   * The page is being hidden or left. What can be handed over is, at once,
   * held calls too: restored calls whenever the transport is ready, the
   * queue once the identity is settled. The transport starts their requests
   * in this task where it can (`leaveSender.ts`: the library's pipeline runs
   * on timers, which stop with the page), but may not get to send all of
   * them: a copy is kept, and the next load resends it with the same
   * messageId (Segment de-duplicates). What cannot be handed over is stored
   * (and also stays here, in case the page comes back); on `pagehide`, so
   * is what the library holds only in memory, which goes with the page.
   */
  private leave({ final, pageHide = final, unannounced = false }: PageLeave) {
    const state = this.transportState;
    if (state.kind === 'dead') return;
    // Calls waiting again go anonymous only where nothing keeps them (unloaded, or no store); else stored, as waiting ones.
    if (state.kind === 'ready' && (final || !this.carryOver)) this.identity.leaving();
    const open = this.readiness() === 'open';
    if (!open) this.waiting.warn();
    const owner = open ? this.sessionUserId ?? null : null;
    const held = pageHide && state.kind === 'ready' ? state.transport.heldInMemory?.(unannounced) ?? [] : [];
    if (this.identity.state.kind !== 'known') this.carryOver?.leftUnidentified();
    const copies = [...held, ...(this.carryOver?.restored.remaining() ?? [])];
    this.carryOver?.save(this.queue, copies, { initialOwner: owner, claim: !open, final, prepare: call => this.prepare(call) });
    if (state.kind !== 'ready') return;
    try {
      state.transport.leaving?.(final);
    } catch {
      // keepalive is a bonus: the library also keeps its queue for the next load
    }
    this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    this.drain('leaving');
  }

  private prepare(call: SegmentCall): SegmentCall | undefined {
    return prepareCall(call, this.options.beforeSend, this.callWarnings);
  }
}
