import type { InitOptions } from '@segment/analytics-next';
import { EnabledSegmentConfig } from '../config/SegmentConfig';
import { createDelayedObserver } from '../time/delayedObserver';
import type { Scheduler } from '../time/scheduler';
import { BatchingLibrary, BatchingSegmentIo, sendBatchesOurselves } from './batching/batchDestination';
import { failEveryRequest } from './cutOffLibrary';
import type { LeaveSender } from './leaveSender';
import { createRecentHandOvers, RecentHandOvers } from './recentHandOvers';
import { sendDeliveredOnce } from './deliveredOnce';
import type { KeyValueStorage, StoredCall } from './callStore';

/** Standard delivery: how long after a call has been handed over its first delivery attempt is looked at. */
const FAILURE_CHECK_DELAY_MS = 4000;

/**
 * What the transport does that depends on how the library delivers
 * (`standard`: a request per call; `batching`: the module's batcher):
 * decided once, from the strategy the library was loaded with.
 */
export type LibraryDelivery = {
  /**
   * The calls handed over that the page's memory may hold alone (where
   * calls are persisted: see `createRecentHandOvers`); absent otherwise.
   */
  held?: RecentHandOvers;
  /**
   * Those of {@link LibraryDelivery.held} to store as the page is hidden for
   * navigation or frozen (`unannounced`: see `PageLeave`).
   */
  heldInMemory(unannounced: boolean): StoredCall[];
  /** Looks at a handed-over call's context once its delivery can have failed (a no-op where the batcher tells). */
  observe(ctx: unknown): void;
  /** The page is being hidden or left (`final`: unloaded for good). */
  leaving(final: boolean): void;
  /** The user switched analytics off: every later request of the library fails before it is made. */
  cutOff(): void;
};

/** What {@link startLibraryDelivery} needs of the loaded library and the transport. */
export type LibraryDeliveryOptions = {
  config: EnabledSegmentConfig;
  initOptions: Pick<InitOptions, 'integrations'>;
  scheduler: Scheduler;
  /** Calls are persisted (a carry-over store exists): the batcher's are remembered for it. */
  persisted: boolean;
  /** Told of each delivery attempt's context (`counts`: false for those that do not count towards the warning). */
  watch(ctx: unknown, counts?: boolean): void;
  /** False once the failure warning has been given, and nothing else needs to look at failures. */
  looking(): boolean;
  leaveSender: LeaveSender;
  /** Where the library persists its queue (`localStorage`, where usable and calls are persisted). */
  libraryStorage?: KeyValueStorage;
};

/**
 * Starts the loaded library's delivery the module's way: with `batching`,
 * its Segment.io destination hands events to the module's batcher (call
 * before anything else wraps that destination's hooks).
 */
export function startLibraryDelivery(analytics: BatchingLibrary, options: LibraryDeliveryOptions): LibraryDelivery {
  // The Segment.io options the library was loaded with: its delivery strategy (`standard` or `batching`) and config.
  const segmentIo = options.initOptions.integrations?.['Segment.io'] as BatchingSegmentIo | { deliveryStrategy?: Record<string, any> } | undefined;
  const strategy = segmentIo?.deliveryStrategy;
  if (strategy?.strategy === 'batching') return startBatching(analytics, segmentIo as BatchingSegmentIo, options);
  // Always a config object (see `toLoadArguments`): the library reads it on each request.
  return startStandard(analytics, strategy?.config ?? {}, options);
}

/**
 * A request per call, made by the library (each delivered once by this page
 * and its next load: see `sendDeliveredOnce`): a call's promise settles before
 * its request has failed or not, so its log is looked at a little later,
 * once the first attempt is over (one timer for all calls). While the page
 * is being left, requests go with `keepalive` and events as soon as they are
 * enriched (see `createLeaveSender`). The library persists what it holds
 * (retries, calls offline, requests on their way) on `pagehide` only: where
 * calls are persisted, the calls handed over are remembered until answered
 * or given up (or for {@link createRecentHandOvers}'s window, until their
 * request is made), for a page frozen without a `pagehide` (and maybe
 * discarded) to store them.
 */
function startStandard(analytics: BatchingLibrary, config: Record<string, any>, options: LibraryDeliveryOptions): LibraryDelivery {
  const { scheduler, watch, looking, leaveSender, persisted } = options;
  const later = createDelayedObserver(watch, FAILURE_CHECK_DELAY_MS, scheduler);
  const held = persisted ? createRecentHandOvers(0, scheduler.now) : undefined;
  sendDeliveredOnce(analytics, options.libraryStorage, held && {
    // Its request made: remembered until answered, or until the library gives up on it.
    attempted(messageId) {
      held.holding(messageId);
      if (config.keepalive) held.carried(messageId);
    },
    settled: held.settled,
  });
  return {
    held,
    // On `pagehide` the library persists what it holds itself; frozen without one, that is lost with the page.
    heldInMemory: unannounced => (unannounced ? held?.recent() ?? [] : []),
    observe(ctx) {
      if (looking()) later.add(ctx);
    },
    leaving() {
      keepAliveUntilNextTask(config, scheduler);
      leaveSender.leaving();
    },
    cutOff() {
      failEveryRequest(config);
    },
  };
}

/**
 * The module's batcher: it tells the outcome of each request, which calls
 * it still holds (remembered for the carry-over store where calls are
 * persisted), and sends at once what it holds when the page is hidden.
 */
function startBatching(analytics: BatchingLibrary, segmentIo: BatchingSegmentIo, options: LibraryDeliveryOptions): LibraryDelivery {
  const { config, scheduler, watch, persisted, leaveSender } = options;
  const held = persisted && config.batching ? createRecentHandOvers(config.batching.timeoutMs, scheduler.now) : undefined;
  const stopBatcher = sendBatchesOurselves(analytics, segmentIo, scheduler, { attempted: watch, holding: held?.holding, settled: held?.settled, carried: held?.carried });
  return {
    held,
    heldInMemory: () => held?.recent() ?? [],
    observe() {},
    leaving(final) {
      // On a hide the page survives and its timers run: events reach the batcher, which knows the page is hidden.
      if (final) leaveSender.leaving();
    },
    cutOff() {
      stopBatcher();
      // The library's own batcher, which calls the module does not make would use.
      failEveryRequest(segmentIo.deliveryStrategy.config as Record<string, unknown>);
    },
  };
}

/**
 * Until the page's next task, requests are sent with `keepalive`, so that
 * those started while the page is being left outlive it. Only in that task:
 * a page that stays (shown again after a tab switch, or a `beforeunload`
 * that did not unload, such as a download link's) sends as before. The
 * browser allows 64 KB of keepalive requests in flight for the whole page,
 * which the requests of a burst would exceed: left on, every request past it
 * would fail, and its retries too. (The library reads its strategy's config
 * on each request.)
 */
function keepAliveUntilNextTask(config: Record<string, any>, scheduler: Pick<Scheduler, 'setTimeout'>) {
  config.keepalive = true;
  scheduler.setTimeout(() => {
    config.keepalive = false;
  }, 0);
}
