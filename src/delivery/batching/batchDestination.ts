import { findSegmentDestination, SEGMENT_IO } from '../segmentDestination';
import { createBatchSender } from './batchSender';
import type { BatchingConfig } from './batchRequest';
import { createWireEvents, LibraryEvent, SegmentIoSettings, WireEventSource } from './libraryWireEvent';
import type { AnswerBehaviour, FailedAnswer } from './retryPolicy';
import type { Scheduler } from '../../time/scheduler';


/** The hooks replaced: the calls the module makes (`alias` and `screen` keep the library's own way). */
const REPLACED = ['track', 'page', 'identify', 'group'] as const;

/** The Segment.io init options the transport loads the library with (`toLoadArguments`), batching on. */
export type BatchingSegmentIo = {
  apiHost: string;
  protocol: 'http' | 'https';
  deliveryStrategy: { strategy: 'batching'; config: BatchingConfig };
  httpConfig?: HttpConfig;
};

type HttpConfig = { backoffConfig?: { statusCodeOverrides?: Record<string, AnswerBehaviour> } };
type EventContext = { event: LibraryEvent; log(level: 'error', message: string, extras?: unknown): void };

/**
 * A batch's failed requests that do not count towards the delivery warning:
 * its first tries come 0.5 and 1.5 s after the first, so an outage of a few
 * seconds would otherwise warn, where the library's own delivery looks at
 * each call once. A failure that drops the events (a 4xx) counts at once:
 * there is no later try.
 */
const UNCOUNTED_FAILURES = 2;

/** A request that got through, as a context with nothing in its log. */
const GOT_THROUGH = { logs: () => [] };

/** One request's failure, as a context whose log holds it (what the delivery warning reads). */
function failedWith(failure: FailedAnswer) {
  return { logs: () => [{ level: 'error', message: 'Error sending event', extras: failure }] };
}

/** What the transport is told of the events the batcher is given. */
export type BatchWatch = {
  /**
   * A request of the event's batch is over: told a context whose log holds
   * that request's failure as the library logs one, or nothing (it got
   * through). Once per failed request, and for each event of a request that
   * got through. (The event's own context logs every failure of its batch.)
   * `counts` is false for a batch's first failed requests (see
   * {@link UNCOUNTED_FAILURES}).
   */
  attempted?(outcome: unknown, counts: boolean): void;
  /** The batcher holds the event with this `messageId`, until {@link BatchWatch.settled}. */
  holding?(messageId: string): void;
  /** Delivered, or dropped for good. */
  settled?(messageId: string): void;
  /** A request with `keepalive` carries it (the page is hidden): it should arrive even if the page is left now. */
  carried?(messageId: string): void;
};

/** What this needs of a loaded library. */
export type BatchingLibrary = WireEventSource & {
  queue: { plugins: unknown[] };
  settings: { cdnSettings: { integrations: Record<string, unknown> } };
};

/**
 * With `batching`: the library's Segment.io destination hands each event
 * to a batcher of the module's own (see `createBatchSender`) instead of the
 * library's, which serializes its whole buffer again for every event it
 * adds and every batch it builds (issue 19: most of the page's time per
 * event with batching). The library still builds and enriches each event;
 * the object batched is the one its destination would batch (see
 * `createWireEvents`), and the requests, their answers and retries are
 * those of its batcher, so nothing changes on the wire but fewer repeats.
 * The page being hidden is followed as the library follows it
 * (`visibilitychange`, `pagehide`).
 *
 * A request's failure is logged on each of its events' contexts as the
 * library logs a failed event, and `watch` is told (the module's delivery
 * warning looks at it then, whatever the batch's time-out); it is
 * also told which events the batcher holds until they are delivered or
 * dropped (they are stored for the next load if the page goes meanwhile).
 * Call before anything else wraps the destination's hooks.
 *
 * @returns a function that stops the batcher for good (analytics switched
 *   off: what it holds is dropped, nothing more is sent) and its listeners
 */
export function sendBatchesOurselves(library: BatchingLibrary, segmentIo: BatchingSegmentIo, scheduler: Scheduler, watch: BatchWatch = {}): () => void {
  const destination = findSegmentDestination(library.queue.plugins);
  if (!destination) return () => {};
  const { integrations } = library.settings.cdnSettings;
  const fromCdn = (integrations[SEGMENT_IO] ?? {}) as SegmentIoSettings & { httpConfig?: HttpConfig };
  const settings = { ...fromCdn, ...segmentIo };
  const scheme = /^https?:\/\//.test(settings.apiHost) ? '' : `${settings.protocol}://`;
  const sender = createBatchSender({
    url: `${scheme}${settings.apiHost}/b`,
    writeKey: settings.apiKey ?? '',
    config: segmentIo.deliveryStrategy.config,
    statusOverrides: {
      ...segmentIo.httpConfig?.backoffConfig?.statusCodeOverrides,
      ...fromCdn.httpConfig?.backoffConfig?.statusCodeOverrides,
    },
    scheduler,
    // Each answer is read: the browser counts a `keepalive` body against the page's 64 KB until then.
    post: (url, init) =>
      fetch(url, init).then(answer => {
        answer.text().catch(() => {});
        return answer;
      }),
    online: () => typeof navigator === 'undefined' || navigator.onLine !== false,
  });
  const toWire = createWireEvents(library, settings, integrations);
  /** Failures already told: the events of one failed request are one delivery that failed, not several. */
  const told = new WeakSet<object>();
  for (const type of REPLACED) {
    if (typeof destination[type] !== 'function') continue;
    destination[type] = (ctx: EventContext) => {
      const { messageId } = ctx.event;
      const id = typeof messageId === 'string' ? messageId : undefined;
      if (id) watch.holding?.(id);
      let failedRequests = 0;
      const outcomes = {
        attempted(failure: FailedAnswer | undefined) {
          if (!failure) {
            watch.attempted?.(GOT_THROUGH, true);
            return;
          }
          ctx.log('error', 'Error sending event', failure);
          failedRequests++;
          if (told.has(failure)) return;
          told.add(failure);
          watch.attempted?.(failedWith(failure), failure.behaviour === 'drop' || failedRequests > UNCOUNTED_FAILURES);
        },
        done() {
          if (id) watch.settled?.(id);
        },
        carried() {
          if (id) watch.carried?.(id);
        },
      };
      return sender.add(toWire(ctx.event), outcomes).then(() => ctx);
    };
  }
  const unfollow = followPageVisibility(hidden => sender.pageHidden(hidden));
  return () => {
    unfollow();
    sender.stop();
  };
}

/**
 * Tells `changed` when the page is hidden or left (once until shown again), and when it is shown.
 *
 * @returns a function that stops listening
 */
function followPageVisibility(changed: (hidden: boolean) => void): () => void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => {};
  let hidden = false;
  const set = (now: boolean) => {
    if (now === hidden) return;
    hidden = now;
    changed(now);
  };
  const shown = () => set(document.visibilityState === 'hidden');
  const left = () => set(true);
  window.addEventListener('pagehide', left);
  window.addEventListener('pageshow', shown);
  document.addEventListener('visibilitychange', shown);
  return () => {
    window.removeEventListener('pagehide', left);
    window.removeEventListener('pageshow', shown);
    document.removeEventListener('visibilitychange', shown);
  };
}
