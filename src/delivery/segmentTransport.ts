import { AnalyticsBrowser, Plugin } from '@segment/analytics-next';
import { EnabledSegmentConfig } from '../config/SegmentConfig';
import { guardEnrichment } from './enrichmentGuard';
import { keepAnonymousCallsAnonymous } from './anonymousCalls';
import { emptyEndpointWarning, identityKeptIn, toCallOptions, toLoadArguments } from './segmentOptions';
import { createIdentityCookies, removeCookieCopies } from './identityCookies';
import { COOKIES_OFF, probeCookies } from './cookieProbe';
import { BrowserStorageState, isQuotaError, isStorageFailure, StorageAccess } from './storageProbe';
import { storageWarning } from './storageWarning';
import { pageLocalStorage, StoredOwner } from './storedOwner';
import { createSessions, storedStandIn } from './sessionStart';
import { Logger, Transport } from './Transport';
import type { CallStore } from './callStore';
import { createDeliveryFailureWatch } from './deliveryFailures';
import { describeError } from '../warnSafely';
import { keepIdentityForPageLife, skipPerEventCookieStore, withPageLifeIdentity } from './pageLifeIdentity';
import { createLeaveSender } from './leaveSender';
import { Scheduler } from '../time/scheduler';
import { libraryMessageId } from './messageId';
import { dropLibraryCallsOf } from './librarySettings';
import { settleEarlierQueues } from './earlierQueues';
import type { BatchingLibrary } from './batching/batchDestination';
import { startLibraryDelivery } from './libraryDelivery';

/**
 * By when after `pagehide` the library has persisted its queue where another
 * tab held its lock (it tries again 3 times, 50 ms apart).
 */
const LOCKED_QUEUE_PERSISTED_MS = 200;

/** Warnings about the config given by an earlier load in this page. */
const warnedOnce = new Set<string>();

/** What {@link loadSegmentTransport} runs with besides the config. */
export type SegmentTransportOptions = {
  logger: Logger;
  /** The clocks and timers (batch timeouts, page exit, the first attempt's look, messageIds' time). */
  scheduler: Scheduler;
  /**
   * The path's stage inside the library, on every event it builds (privacy's
   * look at what the library adds, traits from the browser's storage): an enrichment plugin.
   */
  insideLibrary: Plugin;
  /**
   * Who the browser's stored identity belongs to when the library has no
   * stored user id of its own (set aside, or not kept); absent when nothing
   * is persisted (`agent.disableClientPersistence`).
   */
  storedOwner?: StoredOwner;
  /** What the page's localStorage allows (see `probeLocalStorage`); absent when nothing is persisted. */
  localStorage?: StorageAccess;
  /** The module's carry-over store (absent when nothing is persisted): calls the library kept as well are taken from it. */
  keptCalls?: Pick<CallStore, 'take'>;
  /** This page's user, once known (`delivery: backend`: the library's retries kept for another user are removed before it loads). */
  pageUser?: Promise<string>;
  /**
   * `delivery: backend`: told when the relay answers a call 401 (standard
   * delivery: the first attempt's, looked at a little later; with batching, each request's).
   */
  relayRefused?: () => boolean;
};

/**
 * Loads `@segment/analytics-next` (this file is only imported lazily, so the
 * library and this code share one lazy chunk) and resolves with a
 * transport over it once the library is ready (settings fetched, unless
 * local). Rejects when the library or its settings cannot be loaded.
 *
 */
export async function loadSegmentTransport(
  config: EnabledSegmentConfig,
  { logger, scheduler, insideLibrary, storedOwner, keptCalls, localStorage, pageUser, relayRefused }: SegmentTransportOptions,
): Promise<Transport> {
  // `agent.disableCookies`: the library is given no cookies, as where the browser refuses them (but not warned about).
  const cookies = config.agent.disableCookies ? COOKIES_OFF : probeCookies(typeof document === 'undefined' ? undefined : document);
  const probed = localStorage && { localStorage, cookies };
  // What earlier loads left in localStorage that this one must not send, before the library reads its queues.
  const kept = localStorage?.kind === 'usable' ? pageLocalStorage() : undefined;
  const takenAtLoad = await settleEarlierQueues(kept, config, { logger, scheduler, keptCalls, storedOwner, pageUser });
  const emptyEndpoint = emptyEndpointWarning(config);
  // Once per page: the library is loaded again each time the user switches analytics back on.
  if (emptyEndpoint && !warnedOnce.has(emptyEndpoint)) {
    warnedOnce.add(emptyEndpoint);
    logger.warn(emptyEndpoint);
  }
  const plugins = [insideLibrary];
  const { analytics, initOptions, storage } = await loadLibrary(config, plugins, probed);
  const warning = storage && storageWarning(storage, config.agent.disableCookies);
  if (warning) logger.warn(warning);
  const failures = createDeliveryFailureWatch(`${config.protocol}://${config.apiHost}`, logger, relayRefused, Boolean(config.relay));
  // Once the user has switched analytics off, the requests the library still makes fail on purpose.
  let switchedOff = false;
  const watch = (ctx: unknown, counts?: boolean) => switchedOff || failures.observe(ctx, counts);
  const leaveSender = createLeaveSender(scheduler);
  const delivery = startLibraryDelivery(analytics as unknown as BatchingLibrary, {
    config,
    initOptions,
    scheduler,
    // Nothing is persisted without the stored owner (nor the carry-over store).
    persisted: Boolean(storedOwner),
    watch,
    looking: () => !failures.done() || Boolean(relayRefused),
    leaveSender,
    libraryStorage: kept,
  });
  const { held } = delivery;
  guardEnrichment(analytics.queue.plugins);
  keepAnonymousCallsAnonymous(analytics);
  // Last of the enrichment plugins: it sees each event as the library would send it.
  await analytics.register(leaveSender.plugin);
  if (config.debug) analytics.debug(true);
  const observe = (ctx: unknown) => {
    delivery.observe(ctx);
    return ctx;
  };
  // No cookies: the copies of this identity that earlier loads kept in cookies (the widest domain's) go.
  if (config.agent.disableCookies && storedOwner) removeCookieCopies(window.location.hostname, pageLocalStorage, config.writeKey);
  // The identity in memory for the page's life, written back to the browser on change.
  const keptIn = identityKeptIn(initOptions, storage);
  const browserCopy = keptIn === 'cookies' ? createIdentityCookies(window.location.hostname, pageLocalStorage) : analytics.storage;
  let identity = keptIn && keepIdentityForPageLife(analytics, browserCopy);
  if (identity) skipPerEventCookieStore(analytics);

  // Whose identity the library kept: the user id it stored itself, which
  // whatever used the library last wrote (this module, or the public plugin in
  // between, or another app on the same cookie domain); else the one an earlier
  // session recorded (the library's was set aside, or could not be kept).
  const previousUser = storedOwner ? analytics.user().id() ?? storedOwner.get() ?? undefined : undefined;
  // Nothing of this session may carry the stored user id: only this session's
  // identify sets it. (This also turns off the library's own "new user id,
  // new anonymous id" rule, which the session start below stands in for.) The
  // browser keeps it until a session starts: the next load's previous user.
  if (identity) identity.setUserAside();
  else analytics.user().id(null);
  identity?.sync();
  // Where it persists its queue, each call of the library's own gets its messageId now, and is followed until settled.
  const ownCallOptions = (options: ReturnType<typeof toCallOptions>) => {
    if (!held) return options;
    const messageId = libraryMessageId(scheduler.wallNow());
    held.handed(messageId);
    return { ...options, messageId };
  };
  const sessions = createSessions(analytics, {
    previousUser,
    storedOwner,
    // Wherever localStorage may be reached (a full one still forgets a kept id).
    standIns: localStorage && storedStandIn(config.writeKey, pageLocalStorage),
    identity: () => identity || undefined,
    // No traits: the library merges in those stored in the browser, which the privacy plugin drops.
    identify: (userId, timestamp) => {
      analytics.identify(userId, {}, ownCallOptions(toCallOptions({ timestamp }, userId, config.maskIP))).then(observe, () => {});
    },
  });

  return {
    leaving(final) {
      delivery.leaving(final);
      identity?.syncOnHide();
    },
    stop() {
      // Switched off: nothing of this page writes the identity back to the browser any more.
      identity = undefined;
      switchedOff = true;
      delivery.cutOff();
      // What it still holds for a retry it persists on `pagehide` (its listener runs before this one; later, where
      // another tab holds the lock of its queue): not for the next load. Known by their messageIds: every call
      // handed to it and not settled, and those it took from the browser as it loaded.
      const messageIds = new Set([...(held?.unsettled() ?? []), ...takenAtLoad]);
      if (!kept || !messageIds.size) return;
      const forget = () => dropLibraryCallsOf(kept, config.writeKey, messageIds);
      window.addEventListener('pagehide', () => {
        forget();
        scheduler.setTimeout(forget, LOCKED_QUEUE_PERSISTED_MS);
      });
    },
    startSession(userId, timestamp) {
      sessions.start(userId, timestamp);
    },
    group({ groupId, traits }, userId, timestamp) {
      // Only these traits: none kept by the library from an earlier group call.
      analytics.group().traits({});
      analytics.group(groupId, traits, ownCallOptions(toCallOptions({ timestamp }, userId, config.maskIP))).then(observe, () => {});
      identity?.sync();
    },
    heldInMemory: unannounced => delivery.heldInMemory(unannounced),
    standIn: () => sessions.standIn(),
    anonymousId: () => analytics.user().anonymousId() ?? undefined,
    send(call, { userId, messageId: given, anonymousId: own, groupId, categoryPreferences }) {
      // A late identity's anonymous session: its calls' own anonymous id (see `sessionStart.ts`).
      const anonymousId = own ?? (userId === undefined ? sessions.standIn() : undefined);
      // Held, a call gets its messageId now (in the library's form): a copy stored for the next load is the
      // same event, with the anonymous id it goes out with.
      const messageId = held ? given ?? libraryMessageId(scheduler.wallNow()) : given;
      held?.add({ messageId: messageId!, owner: userId ?? null, call, anonymousId: anonymousId ?? analytics.user().anonymousId() ?? undefined });
      const options = { ...toCallOptions(call, userId, config.maskIP, groupId), ...(messageId && { messageId }) };
      if (categoryPreferences) options.context = { ...options.context, consent: { categoryPreferences } };
      // The library makes an anonymousId given in a call's options the
      // browser's own: put the current one back once the call is built.
      const current = anonymousId ? analytics.user().anonymousId() : undefined;
      if (anonymousId) options.anonymousId = anonymousId;
      try {
        const sent = call.type === 'page' ? analytics.page(call.properties, options) : analytics.track(call.event, call.properties, options);
        return sent.then(observe, () => {});
      } finally {
        if (current) analytics.user().anonymousId(current);
        identity?.sync();
      }
    },
  };
}

/**
 * Loads the library with the storage options `storage` allows, and tells
 * which options and storage it runs with. Should localStorage refuse a write
 * the probe did not foresee (filled meanwhile, or refused for some keys
 * only), the load fails with that error: it is loaded once more, with its
 * queues in memory.
 */
async function loadLibrary(config: EnabledSegmentConfig, plugins: Plugin[], storage: BrowserStorageState | undefined) {
  const load = async (state: BrowserStorageState | undefined) => {
    const [settings, loadOptions] = toLoadArguments(config, state);
    const initOptions = withPageLifeIdentity(loadOptions);
    const [analytics] = await AnalyticsBrowser.load({ ...settings, plugins }, initOptions);
    return { analytics, initOptions, storage: state };
  };
  try {
    return await load(storage);
  } catch (error) {
    if (!storage || !isStorageFailure(error)) throw error;
    const refused: StorageAccess = { kind: 'readOnly', full: isQuotaError(error), reason: describeError(error) };
    return load({ localStorage: refused, cookies: storage.cookies });
  }
}
