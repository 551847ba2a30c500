import type { StorageApi } from '@backstage/core-plugin-api';
import type { ConsentConfig } from '../config/SegmentConfig';
import type { Scheduler } from '../time/scheduler';
import type { SegmentCall } from '../mapping/SegmentCall';
import { ConsentGate, ConsentGateOptions } from './consentGate';
import { ConsentedDelivery, ConsentedDeliveryOptions } from './consentedDelivery';
import { forgetBrowserData, forgetIdentity, holdsModuleIdentity, periodOf } from './forgetBrowserData';
import { SegmentCategoryPreferences, StoredDecision, watchStoredDecision } from './storedDecision';
import { PageDecision, pageDecisionOf } from './pageDecision';
import type { Transport } from '../delivery/Transport';

/** See {@link followUserChoice}. */
export type UserChoiceOptions<T> = {
  storageApi: StorageApi;
  config: ConsentConfig;
  /** Whose stored data is removed when the user says no. */
  writeKey: string;
  /** A new delivery (see {@link ConsentedDelivery}). */
  create: ConsentedDeliveryOptions['create'];
  /** A captured event let through, in capture order. */
  forward(item: T): void;
  /** A captured event dropped, in capture order (see {@link ConsentGateOptions.onDropped}). */
  onDropped?(item: T): void;
  scheduler: Pick<Scheduler, 'setTimeout' | 'clearTimeout' | 'wallNow'>;
  warn(topic: string, message: string): void;
  /** The module's own localStorage keys, removed with the library's when the user says no. */
  moduleKeys: readonly string[];
  /** Removes the module's and the library's data; default: the page's (see {@link forgetBrowserData}). */
  forget?: () => void;
  /** What tells the period a "no" ends from the next; default: the page's anonymous ids (see {@link periodOf}). */
  period?: ConsentedDeliveryOptions['period'];
  /** Subscribes to the page being hidden or left (see `listenForPageLeave`). */
  onPageLeave(listener: () => void): unknown;
  /** Settles once the signed-in user is known (see {@link ConsentGateOptions.userKnown}). */
  userKnown?: PromiseLike<unknown>;
  /** Whether the library keeps the identity in cookies too (not with `agent.disableCookies`); default true. */
  identityCookies?: boolean;
  /** Removes the library's stored identity as the user switches on; default: the page's (see {@link forgetIdentity}). */
  forgetIdentity?: () => void;
};

/**
 * The pipeline's part of the user's own choice (its code is loaded lazily:
 * this file and what it imports take the module's own parts through
 * `options`): events pass the {@link ConsentGate} at capture, calls reach the delivery of the current
 * granted period, and the stored decision is followed for the page's life
 * (a change made on the settings card or through the API applies at once).
 */
export function followUserChoice<T>(options: UserChoiceOptions<T>): {
  capture(item: T): void;
  enqueue(call: SegmentCall, waitedMs?: number): void;
} {
  // Calls sent while granted carry the categories given with the decision (read at send time).
  let categories: SegmentCategoryPreferences | undefined;
  // While a read of the user's own decision to switch on, made in this page, is applied.
  let switchedOnByUser = false;
  // The library's identity of another period goes; one this module keeps (its record of whose it is exists: a
  // session of this period, in another tab not told of this "yes") stays.
  const forgetOthers = () => holdsModuleIdentity() || forgetIdentity(options.identityCookies ?? true);
  const delivery = new ConsentedDelivery({
    create: observe => options.create(transport => withPreferences(observe(transport), () => categories)),
    forgetIdentity: options.forgetIdentity ?? forgetOthers,
    forget: options.forget ?? (() => forgetBrowserData(options.writeKey, options.moduleKeys)),
    onPageLeave: options.onPageLeave,
    setTimeout: (run, ms) => options.scheduler.setTimeout(run, ms),
    period: options.period ?? (ownId => periodOf(options.writeKey, options.moduleKeys, ownId)),
  });
  const gate = new ConsentGate<T>({
    config: options.config,
    scheduler: options.scheduler,
    forward: item => options.forward(item),
    onDropped: options.onDropped,
    onGranted: () => delivery.start(switchedOnByUser),
    onDenied: () => delivery.stop(),
    onSwitchedOffUnseen: () => delivery.restart(),
    warn: options.warn,
    userKnown: options.userKnown,
  });
  watchStoredDecision(options.storageApi, read => {
    const page = pageDecisionOf(options.storageApi);
    switchedOnByUser = read.kind === 'read' && switchesOn(read.stored, page, options.config.default);
    gate.update(read);
    // Applied once: another follower made later (a second instance) takes the stored "yes" as it is.
    if (switchedOnByUser) page.ownReplaced = undefined;
    switchedOnByUser = false;
    const state = gate.current;
    categories = state.kind === 'granted' ? state.stored?.categoryPreferences : undefined;
  });
  return { capture: item => gate.capture(item), enqueue: (call, waitedMs) => delivery.enqueue(call, waitedMs) };
}

/**
 * Whether a stored decision read is this page's own latest one (the same
 * object, or a copy: the StorageApi tells the stored value, parsed, where the
 * decision was saved before this code loaded), and one that switches
 * analytics on: it replaced a "no", or, in opt-in mode, no decision at all.
 * Not a "yes" restated (a consent banner's at each start: the visitor is the
 * same), nor one whose predecessor was not known when it was made.
 */
function switchesOn(stored: StoredDecision | undefined, page: PageDecision, regime: 'opt-out' | 'opt-in'): boolean {
  const same = (a?: StoredDecision, b?: StoredDecision) => a !== undefined && b !== undefined && a.decision === b.decision && a.decidedAt === b.decidedAt;
  // What the own decision replaced, where this code recorded it (an older copy of the package does not).
  const replaced = same(page.ownReplaced?.of, page.own) ? page.ownReplaced?.replaced : undefined;
  return same(stored, page.own) && (replaced === 'denied' || (replaced === 'none' && regime === 'opt-in'));
}

/** A transport whose calls carry the user's consent categories, when there are any. */
function withPreferences(transport: Transport, preferences: () => SegmentCategoryPreferences | undefined): Transport {
  return {
    ...transport,
    send(call, sendOptions) {
      const categoryPreferences = preferences();
      return transport.send(call, categoryPreferences ? { ...sendOptions, categoryPreferences } : sendOptions);
    },
  };
}
