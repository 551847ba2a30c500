import type { Plugin } from '@segment/analytics-next';
import type { loadSegmentTransport } from './segmentTransport';
import { EnabledSegmentConfig } from '../config/SegmentConfig';
import { CurrentDocument, titleWaitMs } from '../mapping/pageHistory';
import { TitleWatch, watchTitles } from './titleWatch';
import { createCallStore } from './callStore';
import type { ClaimLedger, claimLedgerOf } from './claimLedger';
import { Delivery } from './Delivery';
import { MAX_IN_FLIGHT } from './pacing';
import { browserScheduler } from '../time/scheduler';
import { createLoggingTransport } from './loggingTransport';
import { listenForPageLeave } from './pageLifecycle';
import { createOwnerCookie } from './ownerCookie';
import { createMemoryStorage, createStoredOwner, pageLocalStorage } from './storedOwner';
import { probeLocalStorage } from './storageProbe';
import { SegmentCall } from '../mapping/SegmentCall';
import { Logger, Transport } from './Transport';

/**
 * The library's code, loaded lazily: the transport over it, and the stage
 * that runs inside it on every event it builds (what the library adds
 * itself included), an enrichment plugin.
 */
export type LibraryChunk = {
  loadTransport: typeof loadSegmentTransport;
  insideLibrary: Plugin;
  /** The ledger that decides, across tabs, which page load sends a stored call. */
  claimLedger: typeof claimLedgerOf;
};

/** The stages of an event's path that delivery runs (see `eventPath.ts`, which lists them in order). */
export type DeliveryStages = {
  /** The user's id, still resolving; undefined when no user is identified. */
  userId?: Promise<string>;
  /** Every stage a call goes through as it is handed over, given the document as it is then. */
  atHandOver(call: SegmentCall, document: CurrentDocument): SegmentCall;
  /** Wraps the transport once it has loaded (team analytics' group calls, say); default: none. */
  overTransport?: (transport: Transport) => Transport;
  /** Loads the library's code with the path's last stage, inside it (not in test mode: no library). */
  loadLibrary(): Promise<LibraryChunk>;
  /** The library is started once this resolves (`delivery: backend`: the relay's first cookie attempt; user expressions: compiled); its code is fetched meanwhile. */
  whenReady?: Promise<unknown>;
  /** `delivery: backend`: told when the relay answers a call 401 (it refreshes the cookie). */
  relayRefused?: () => boolean;
  /** The page's titles as watched (see `watchTitles`); default: watched from when delivery is made. */
  titles?: TitleWatch;
  /**
   * The document's URL and title as calls carry theirs (redacted,
   * pseudonymized), so that a page call waiting for its title compares like
   * with like; default: as they are.
   */
  documentAsSent?: (document: CurrentDocument) => CurrentDocument;
  /** True once the instance has given its write key up (see `oncePerWriteKey.ts`): the library is not started then. */
  givenUp?: () => boolean;
};

/**
 * The delivery of an enabled config in the browser: the Segment library (or
 * the console in test mode), the page's title and lifecycle, and, unless
 * client persistence is off or in test mode, the browser's storage for
 * calls the page could not hand over and for the owner of the stored identity.
 *
 * @remarks
 * localStorage is tried once, here: where it cannot be written (full,
 * refused) or reached, the module keeps those in memory instead, and the
 * library is told (with what cookies allow) when it loads.
 */
export function createDelivery(
  config: EnabledSegmentConfig,
  logger: Logger,
  { userId, atHandOver, overTransport = transport => transport, loadLibrary, whenReady, relayRefused, titles = watchTitles(browserScheduler.now), documentAsSent = document => document, givenUp }: DeliveryStages,
) {
  // The one place delivery's time comes from: the browser's clocks and timers.
  const scheduler = browserScheduler;
  const persist = !config.testMode && !config.agent.disableClientPersistence;
  const localStorage = persist ? probeLocalStorage(pageLocalStorage) : undefined;
  const storage = localStorage && (localStorage.kind === 'usable' ? pageLocalStorage()! : createMemoryStorage());
  // The record of whose identity the browser holds stays in localStorage where it can still be read (full,
  // refusing writes): a session that cannot record its user there removes the record, so that no later load
  // (with storage that works again) takes an out-of-date one for this browser's user, and records it in a
  // cookie instead, beside the library's identity cookies (so is one kept in memory, localStorage out of reach).
  const ownerStorage = localStorage?.kind === 'readOnly' ? pageLocalStorage()! : storage;
  const storedOwner =
    ownerStorage &&
    createStoredOwner(ownerStorage, config.writeKey, {
      identifiesUsers: userId !== undefined,
      cookie: config.agent.disableCookies ? undefined : createOwnerCookie(config.writeKey),
      libraryCookies: !config.agent.disableCookies,
      inMemory: localStorage?.kind === 'unavailable',
    });
  const store = storage && createCallStore({ storage, writeKey: config.writeKey, now: scheduler.wallNow, logger, settings: config.callSettings });
  const current = () => titles.look();
  // A page call's URL and title as sent are compared with the document's as they would be sent.
  const currentAsSent = () => documentAsSent(current());
  // The transport's code sits in the library's lazy chunk: the app's first load carries none of it.
  let library: Promise<LibraryChunk> | undefined;
  const chunk = () => (library ??= loadLibrary());
  const load = () =>
    chunk().then(({ loadTransport, insideLibrary }) => {
      if (givenUp?.()) throw new Error('another instance took the write key over');
      return loadTransport(config, { logger, scheduler, insideLibrary, storedOwner, keptCalls: store, localStorage, pageUser: userId, relayRefused });
    });
  let transport: Promise<Transport>;
  // Test mode logs what would be sent, once what it waits for is ready (the user's expressions compiled, say).
  if (config.testMode) transport = Promise.resolve(whenReady).then(() => createLoggingTransport(logger));
  // `delivery: backend`: not before the user's relay cookie; should its code fail to load, the library is not started
  // either (calls would go out with whatever cookie the browser holds): the page's calls are kept, as for any load failure.
  // Meanwhile the library's code is fetched (its start, the first request to Segment, waits).
  else if (whenReady) {
    chunk().catch(() => undefined);
    transport = whenReady.then(load);
  } else transport = load();
  /** The ledger in the library's chunk, once a claim has loaded it (before any claim, this load holds none). */
  let loadedLedger: ClaimLedger | undefined;
  return new Delivery({
    transport: transport.then(overTransport),
    userId,
    identityTimeoutMs: config.identityTimeoutMs,
    logger,
    beforeSend: call => atHandOver(call, current()),
    // Only page calls wait for a title: the document is looked at for those alone.
    holdMs: (call, clock) => (call.type === 'page' ? titleWaitMs(call, { ...currentAsSent(), loadingSeenAt: titles.loadingSeenAt() }, clock) : 0),
    store,
    storedOwner,
    // Only a store other tabs share needs a ledger (in the library's chunk, loaded by then); in memory, each page has its own.
    ledger:
      localStorage?.kind === 'usable'
        ? {
            claim: (ids, released) =>
              chunk().then(loaded => (loadedLedger = loaded.claimLedger(config.writeKey)).claim(ids, released), () => new Set(ids)),
            heldClaim: id => loadedLedger?.heldClaim(id),
          }
        : undefined,
    onPageLeave: listenForPageLeave,
    scheduler,
    // A batch's calls settle together, when it is sent: room for ten batches.
    maxInFlight: config.batching ? Math.max(MAX_IN_FLIGHT, 10 * config.batching.size) : MAX_IN_FLIGHT,
    handOverGroup: config.batching?.size,
  });
}
