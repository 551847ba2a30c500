import type { ConsentConfig } from '../config/SegmentConfig';
import type { Scheduler } from '../time/scheduler';
import type { SegmentConsentDecision, StoredDecision, StoredRead } from './storedDecision';
import { OnPeriod, periodOf, readDuring } from './onPeriod';

// Only types from outside the consent rules: this file is in their lazy chunk.

/** The decision of the configured regime, where the user made none (as `defaultDecision`). */
const byDefault = (config: Pick<ConsentConfig, 'default'>): SegmentConsentDecision =>
  config.default === 'opt-in' ? 'denied' : 'granted';

/**
 * Most events kept while the user's choice is being read (as many as wait
 * for the library or the identity); the oldest are dropped beyond it, and
 * one warning says how many once the choice lets the others through.
 */
export const MAX_WAITING_FOR_CONSENT = 5000;

/**
 * Where the gate is: `unknown` while the stored choice is read (events wait,
 * at most `waitMs` from the first one, or from when the user is known); `granted` (events pass) or `denied`
 * (events are dropped), by the user's decision or, when there is none or it
 * could not be read in time, by the configured default.
 */
export type ConsentGateState<T> =
  | { kind: 'unknown'; waiting: T[]; wait: ConsentWait }
  | { kind: 'granted'; byUser: boolean; stored?: StoredDecision }
  | { kind: 'denied'; byUser: boolean };

/**
 * The waiting events' clock: `idle` until the first one; `timing` (`waitMs`);
 * `afterUser`: it ran out, or the read failed, before the user was known, and starts again once they are.
 */
export type ConsentWait = { kind: 'idle' } | { kind: 'timing'; timer: unknown } | { kind: 'afterUser' };

/** What the gate does with its events and on each change of decision. */
export type ConsentGateOptions<T> = {
  config: ConsentConfig;
  scheduler: Pick<Scheduler, 'setTimeout' | 'clearTimeout' | 'wallNow'>;
  /** An event let through, in capture order. */
  forward(item: T): void;
  /**
   * An event dropped (by a denial, at capture or while it waited; or the
   * oldest, beyond the bound), in capture order among those forwarded: what
   * follows the user's pages (the next page's in-app referrer) still sees it. Absent: ignored.
   */
  onDropped?(item: T): void;
  /** Analytics is switched on (first decision, or after a denial). */
  onGranted(): void;
  /** Analytics is switched off (first decision, or after it was granted). */
  onDenied(): void;
  /**
   * A read "yes" follows a "no" made after the session began, which this page
   * did not see (frozen, in the back/forward cache, told only the latest
   * choice; see `readDuring`): the session is to end as at a "no", and a new
   * one begin. Absent: ignored.
   */
  onSwitchedOffUnseen?(): void;
  /** One warning (the caller logs it once per topic). */
  warn(topic: string, message: string): void;
  /**
   * Settles once the signed-in user is known (their entity ref read, or
   * their identity's failure; not waiting for a transform of it).
   * The choice is the user's: a StorageApi that keeps it per user (the
   * user-settings backend) answers only once they have signed in. Should
   * `waitMs` run out before, the default does not apply: events keep
   * waiting, and the stored choice gets `waitMs` from then. Absent: the user
   * is known from the start.
   */
  userKnown?: PromiseLike<unknown>;
};

/**
 * The rules of the user's choice for the events of one page.
 *
 * @remarks
 * Events captured while the choice is unknown wait, in order, and are sent
 * or dropped by the answer. In opt-in mode nothing passes before a granted
 * decision, and events captured while denied are dropped, never kept: a
 * later "yes" does not send them. When the StorageApi fails or is slow, the
 * default applies (one warning) until the stored choice is known; never
 * before the user is known (see `userKnown`).
 */
export class ConsentGate<T> {
  private state: ConsentGateState<T> = { kind: 'unknown', waiting: [], wait: { kind: 'idle' } };
  /** The signed-in user is known (see `userKnown`). */
  private userKnown: boolean;
  /** Waiting events dropped (the oldest) for the bound. */
  private dropped = 0;
  /** A read failed (warned about): the default, when the wait runs out, needs no other warning. */
  private readFailed = false;
  /** While granted: what the session began under (see {@link OnPeriod}). */
  private period: OnPeriod = periodOf(undefined, 0);

  constructor(private readonly options: ConsentGateOptions<T>) {
    this.userKnown = !options.userKnown;
    const known = () => {
      this.userKnown = true;
      const state = this.state;
      if (state.kind !== 'unknown' || state.wait.kind === 'idle') return;
      // The bound counts from sign-in: a user known just before it ran out leaves their stored choice no time.
      if (state.wait.kind === 'timing') this.options.scheduler.clearTimeout(state.wait.timer);
      this.startWait(state);
    };
    options.userKnown?.then(known, known);
  }

  /** The gate's state (read-only view). */
  get current(): Readonly<ConsentGateState<T>> {
    return this.state;
  }

  /** One captured event: passes, waits or is dropped. */
  capture(item: T): void {
    const state = this.state;
    if (state.kind === 'granted') this.options.forward(item);
    if (state.kind === 'denied') this.options.onDropped?.(item);
    if (state.kind !== 'unknown') return;
    if (state.waiting.length >= MAX_WAITING_FOR_CONSENT) {
      const oldest = state.waiting.shift()!;
      this.options.onDropped?.(oldest);
      this.dropped++;
    }
    state.waiting.push(item);
    if (state.wait.kind === 'idle') this.startWait(state);
  }

  /** Events wait at most `waitMs` for the stored choice (counted again from when the user is known). */
  private startWait(state: Extract<ConsentGateState<T>, { kind: 'unknown' }>) {
    const { waitMs } = this.options.config;
    const timer = this.options.scheduler.setTimeout(() => {
      if (this.state !== state) return;
      if (!this.userKnown) {
        state.wait = { kind: 'afterUser' };
        return;
      }
      if (!this.readFailed) {
        this.options.warn(
          'consent-late',
          `Segment analytics: the user's analytics choice was not known after ${waitMs} ms; ` +
            `the '${this.options.config.default}' default applies until it is`,
        );
      }
      this.apply(byDefault(this.options.config), false);
    }, waitMs);
    state.wait = { kind: 'timing', timer };
  }

  /** What reading the stored choice gave. */
  update(read: StoredRead): void {
    if (read.kind === 'reading') return;
    if (read.kind === 'failed') {
      const when = this.userKnown ? '' : ` if it is still not read ${this.options.config.waitMs} ms after sign-in`;
      this.options.warn(
        'consent-failed',
        `Segment analytics: could not read the user's analytics choice (${read.reason}); ` +
          `the '${this.options.config.default}' default applies${when}`,
      );
      this.readFailed = true;
      const state = this.state;
      if (state.kind !== 'unknown') return;
      if (this.userKnown) {
        this.apply(byDefault(this.options.config), false);
        return;
      }
      // Never before the user is known: their stored choice may yet be read then (and say no), as after a slow read.
      if (state.wait.kind === 'timing') this.options.scheduler.clearTimeout(state.wait.timer);
      state.wait = { kind: 'afterUser' };
      return;
    }
    const decision = read.stored?.decision ?? byDefault(this.options.config);
    this.apply(decision, read.stored !== undefined, read.stored);
  }

  private apply(decision: SegmentConsentDecision, byUser: boolean, stored?: StoredDecision) {
    const previous = this.state;
    if (previous.kind === 'unknown' && previous.wait.kind === 'timing') this.options.scheduler.clearTimeout(previous.wait.timer);
    if (decision === 'denied') {
      this.state = { kind: 'denied', byUser };
      if (previous.kind !== 'denied') this.options.onDenied();
      if (previous.kind === 'unknown') previous.waiting.forEach(item => this.options.onDropped?.(item));
      return;
    }
    this.state = { kind: 'granted', byUser, stored };
    const now = this.options.scheduler.wallNow();
    if (previous.kind === 'granted') {
      // A read without a decision (none stored, a settings backend telling "none") changes nothing.
      if (!stored) return;
      const { missed, period } = readDuring(this.period, stored);
      this.period = missed ? { ...period, startedAt: now } : period;
      if (missed) this.options.onSwitchedOffUnseen?.();
      return;
    }
    this.period = periodOf(stored, now);
    this.options.onGranted();
    if (previous.kind !== 'unknown') return;
    if (this.dropped) {
      this.options.warn(
        'consent-dropped',
        `Segment analytics: ${this.dropped} events were dropped (the oldest) while more than ${MAX_WAITING_FOR_CONSENT} ` +
          "waited for the user's analytics choice",
      );
    }
    previous.waiting.forEach(item => this.options.forward(item));
  }
}
