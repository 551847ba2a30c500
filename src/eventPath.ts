import { DEFAULT_CONSENT } from './config/SegmentConfig';
import { markAnalyticsRunning, markChoiceFollowed } from './consent/followedChoice';
import { lazyUserChoice } from './consent/lazyUserChoice';
import { createDelivery, LibraryChunk } from './delivery/createDelivery';
import { watchTitles } from './delivery/titleWatch';
import { browserScheduler } from './time/scheduler';
import { Transport } from './delivery/Transport';
import { BackstageEvent } from './mapping/BackstageEvent';
import { createPageHistory, CurrentDocument, LocationSnapshot, locateNow, settleTitle } from './mapping/pageHistory';
import { createSafeEventReader } from './mapping/safeEventReader';
import { SegmentCall } from './mapping/SegmentCall';
import { SafeEvent } from './mapping/toSafeEvent';
import { toSegmentCall } from './mapping/toSegmentCall';
import { PathParts } from './pathParts';
import { Privacy } from './privacy/createPrivacy';
import { createReadyGate } from './privacy/readyGate';
import { applyTeamOptions } from './teams/applyTeamOptions';

/** The delivery of an instance that gave its write key up: takes nothing. */
const offDelivery = { enqueue: () => {}, stop: () => {} };

/**
 * An event as captured: read safely, stamped, and (when it may wait) located;
 * `unsent`: dropped by the user's choice, it only moves the page history.
 */
type Captured = { safe: SafeEvent; at: Date; location?: LocationSnapshot; unsent?: true };

/**
 * The path of one Backstage event, from capture to the wire: the numbered
 * stages below, in this order, each given the previous one's output.
 *
 * @remarks
 * Stages 1-8 run on `captureEvent`'s stack unless a wait holds the event
 * (2, 3, 8: in capture order, with its capture time and location); 9 queues
 * the call, and 10-15 run later, on delivery's timers, as it is handed over.
 *
 * @returns the capture: synchronous; throws only what reading the event throws
 */
export function createEventPath(parts: PathParts): (event: BackstageEvent, at?: Date) => void {
  const { config, logger, privacy, identity, storageApi } = parts;
  markAnalyticsRunning();
  const readSafely = createSafeEventReader(logger);
  const history = createPageHistory(typeof document === 'undefined' ? '' : document.referrer);
  // Titles from now on, whatever delivery exists yet (one waits for the user's choice): privacy learns a user's
  // page's title (their name) as the page sets it, so that it is replaced wherever it shows later.
  const titles = typeof document === 'undefined' ? undefined : watchTitles(browserScheduler.now, (href, title) => privacy.titleSet(href, title));
  const debug = config.debug ? (event: BackstageEvent) => logger.info('[segment] captured', event) : undefined;
  // What holds an event on its way, built once (privacy was built before, so that on leaving the
  // page the calls it still holds reach delivery first): 3, the rules' gate; 2, the user's choice;
  // 9, the delivery (or the choice's); 8, privacy's ordered redaction.
  const waitForRules = privacy.ready
    ? createReadyGate(privacy.ready, toCall, logger, captured => ({ ...captured, location: captured.location ?? locateNow() }))
    : toCall;
  const choice = storageApi ? waitForChoice(storageApi) : undefined;
  const queue: { enqueue(call: SegmentCall, waitedMs?: number): void } = choice ?? newDelivery();
  const redactInOrder = privacy.handOff((call, waitedMs) => queue.enqueue(call, waitedMs));

  // 1. Capture: read the event safely and stamp it (locate it too when it may wait for the user's choice).
  function capture(event: BackstageEvent, at = new Date()) {
    // The capture time first (given, or now): reading a large event safely takes a while.
    debug?.(event);
    if (choice) choice.capture({ safe: readSafely(event), at, location: locateNow() });
    else waitForRules({ safe: readSafely(event), at });
  }
  // 2. Consent: with a StorageApi, wait for the user's choice (its rules load lazily; deliveries follow it).
  function waitForChoice(storage: NonNullable<PathParts['storageApi']>) {
    markChoiceFollowed();
    return lazyUserChoice<Captured>(storage, {
      config: config.consent ?? DEFAULT_CONSENT,
      writeKey: config.writeKey,
      identityCookies: !config.agent.disableCookies,
      create: newDelivery,
      forward: waitForRules,
      // The user's pages while off still make the next page's in-app referrer (the rules decide which count).
      onDropped: captured => waitForRules({ ...captured, unsent: true }),
      scheduler: browserScheduler,
      warn: parts.warnOnce,
      // The choice is the user's: it is not known before they sign in (the user-settings backend's storage).
      userKnown: parts.signedIn,
    });
  }
  // 3. Privacy: with user expressions, wait for the engine to compile them (`waitForRules`, above:
  //    held events keep where they were captured, else are located when held), then hand each event on to 4.
  function toCall({ safe, at, location, unsent }: Captured) {
    // 4. Privacy: admit (`events.include` / `events.exclude`); nothing else is done for an event left out.
    if (!privacy.admits(safe)) return;
    // 5. Mapping: locate the page (with the in-app referrer); an event the user's choice dropped goes no further.
    const page = history.describe(location ?? locateNow(), safe.action === 'navigate', unsent);
    if (unsent) return;
    // 6. Mapping: to a Segment page or track call.
    const call = toSegmentCall(safe, page, at);
    // 7. Teams: the team's options (extra properties, event names).
    const teamCall = applyTeamOptions(call, config.team);
    // 8. Privacy: redact, handed on in capture order (may wait for a digest or a pseudonym; when the
    //    page is left first, handed on at once, those parts redacted).
    redactInOrder(teamCall);
  }
  // 9. Delivery: queue; wait for the library, the user's identity and the page's settled title. With user
  //    expressions, the library loads once they compile; should they not, nothing is loaded or sent (not even
  //    identify: the rules' gate says analytics is off).
  function newDelivery(observe?: (transport: Transport) => Transport) {
    // The instance gave its write key up to a later one: nothing is started.
    if (parts.hold?.givenUp()) return offDelivery;
    const rules = privacy.ready;
    const delivery = createDelivery(config, logger, {
      userId: identity?.userId,
      whenReady: rules ? Promise.all([rules, parts.whenReady]) : parts.whenReady,
      relayRefused: parts.relayRefused,
      // The page's titles, watched since the path was made; a waiting page call compared with the document as sent.
      titles,
      documentAsSent: document => privacy.documentAsSent(document),
      // 10.-13. At hand-over (see `atHandOver`).
      atHandOver: atHandOver(privacy),
      // 14. Teams: identify with groups (the user's group calls, `context.groupId`), over the transport.
      overTransport: observe ? transport => (identity ? identity.decorate(observe(transport)) : observe(transport)) : identity?.decorate,
      // 15. Transport: the Segment library; inside it, privacy: redact what the library adds.
      loadLibrary: () => loadLibrary(privacy),
      givenUp: parts.hold?.givenUp,
    });
    rules?.catch(() => delivery.stop());
    parts.hold?.onGiveUp(() => delivery.stop());
    return delivery;
  }
  return capture;
}

/**
 * Stages 10-13 of the path, run by delivery as it hands a call over (after
 * its waits), with the document as it is then; each given the previous
 * one's output.
 */
export function atHandOver(privacy: Privacy): (call: SegmentCall, document: CurrentDocument) => SegmentCall {
  return (call, document) => {
    // 10. Privacy: the user's own ref, once known (calls prepared before it was).
    const own = privacy.ownRefOnceKnown({ call, document });
    // 11. Privacy: the document as it is now, redacted (mapping compares and takes redacted page fields).
    const seen = privacy.redactDocument(own);
    // 12. Mapping: settle the title (the title the call's page ended up with).
    const settled = settleTitle(seen);
    // 13. Privacy: refs first seen here are learned, for later calls.
    return privacy.learnRefsSeen(settled);
  };
}

/**
 * Stage 15: the Segment library's code (lazily), with privacy's stage that
 * runs inside it: what the library adds itself (the page it reads from
 * `location`, campaign, referrer, traits from the browser's storage)
 * redacted and pseudonymized like the module's own calls.
 */
export function loadLibrary(privacy: Privacy): Promise<LibraryChunk> {
  return import(/* webpackChunkName: "segment-analytics" */ './libraryChunk').then(m => ({
    loadTransport: m.loadSegmentTransport,
    insideLibrary: m.pageRedactionPlugin(privacy.library),
    claimLedger: m.claimLedgerOf,
  }));
}
