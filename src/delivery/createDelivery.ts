import { EnabledSegmentConfig } from '../config/SegmentConfig';
import { CurrentDocument, titleWaitMs, withSettledTitle } from '../mapping/pageHistory';
import { watchTitles } from './titleWatch';
import { createCallStore } from './callStore';
import { Delivery } from './Delivery';
import { MAX_IN_FLIGHT } from './pacing';
import { browserScheduler } from './scheduler';
import { createLoggingTransport } from './loggingTransport';
import { listenForPageLeave } from './pageLifecycle';
import { createMemoryStorage, createStoredOwner, pageLocalStorage } from './storedOwner';
import { probeLocalStorage } from './storageProbe';
import { SegmentCall } from '../mapping/SegmentCall';
import { createPrivacy } from '../privacy/createPrivacy';
import type { LibraryRedactionParts } from '../privacy/redactLibraryEvent';
import { Logger, Transport } from './Transport';

/** What the module adds around delivery: how a call's settled title is read, and a transport decorator. */
export type DeliveryHooks = {
  /** The call with the page's settled title (default: as the page has it). */
  settle?: (call: SegmentCall, current: CurrentDocument) => SegmentCall;
  /** Wraps the transport once it has loaded (team analytics' group calls, say). */
  decorate?: (transport: Transport) => Transport;
  /** Rewrites what the Segment library adds to each event (see `Privacy.library`); default: the config's redaction. */
  redactLibraryEvent?: LibraryRedactionParts;
  /** The library is loaded once this settles (`delivery: backend`: the relay's first cookie attempt). */
  whenReady?: Promise<unknown>;
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
  userId: Promise<string> | undefined,
  logger: Logger,
  { settle = withSettledTitle, decorate = transport => transport, redactLibraryEvent, whenReady }: DeliveryHooks = {},
) {
  const persist = !config.testMode && !config.agent.disableClientPersistence;
  const localStorage = persist ? probeLocalStorage(pageLocalStorage) : undefined;
  const storage = localStorage && (localStorage.kind === 'usable' ? pageLocalStorage()! : createMemoryStorage());
  const storedOwner = storage && createStoredOwner(storage, config.writeKey);
  const titles = watchTitles(browserScheduler.now);
  const current = () => titles.look();
  // The transport's code sits in the library's lazy chunk: the app's first load carries none of it.
  const load = () =>
    import(/* webpackChunkName: "segment-analytics" */ './segmentTransport').then(m =>
      m.loadSegmentTransport(config, logger, storedOwner, redactLibraryEvent ?? createPrivacy(config.privacy).library, localStorage),
    );
  let transport: Promise<Transport>;
  if (config.testMode) transport = Promise.resolve(createLoggingTransport(logger));
  else transport = whenReady ? whenReady.then(load, load) : load();
  return new Delivery({
    transport: transport.then(decorate),
    userId,
    identityTimeoutMs: config.identityTimeoutMs,
    logger,
    beforeSend: call => settle(call, current()),
    holdMs: (call, clock) => titleWaitMs(call, current(), clock),
    store: storage && createCallStore({ storage, writeKey: config.writeKey, now: () => Date.now(), logger }),
    storedOwner,
    onPageLeave: listenForPageLeave,
    scheduler: browserScheduler,
    // A batch's calls settle together, when it is sent: room for ten batches.
    maxInFlight: config.batching ? Math.max(MAX_IN_FLIGHT, 10 * config.batching.size) : MAX_IN_FLIGHT,
    handOverGroup: config.batching?.size,
  });
}
