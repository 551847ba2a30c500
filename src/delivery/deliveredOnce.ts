import type { KeyValueStorage } from './callStore';
import { libraryQueuePrefix } from './dropKeptCalls';
import { EVENT_HOOKS } from './enrichmentGuard';
import { findSegmentDestination } from './segmentDestination';

/** Most messageIds remembered as delivered (the newest): more than the calls in flight at once. */
const MAX_REMEMBERED = 1000;

/** What this needs of the library's contexts. */
type EventContext = {
  event: { messageId?: unknown };
  logs(): Array<{ level?: unknown }>;
  failedDelivery(): unknown;
};
type Hook = (ctx: EventContext) => unknown;

/** What this needs of a loaded library. */
export type DeliveredOnceLibrary = { queue: { plugins: unknown[] } };

/** Told of each event the destination is given (by `messageId`). */
export type DeliveryFollower = {
  /** A request for it is being made (or it is queued, offline). */
  attempted(messageId: string): void;
  /** Delivered, or given up by the library for good. */
  settled(messageId: string): void;
};

/**
 * Standard delivery: an event the library has delivered from this page is
 * not sent again by it, nor by the next load.
 *
 * @remarks
 * On `pagehide` the library puts the events whose requests are on their way
 * back in its queue, and persists that queue in `localStorage` for the next
 * load. A page the back/forward cache keeps comes back: those requests are
 * answered, and the events were then sent a second time, by the page (its
 * queue's next flush) and by the next load (its persisted queue). The
 * destination's hooks are wrapped: a request answered without an error
 * (online, the library logging no failure) counts its event as delivered,
 * which the page's later turns for it skip; and after the library has
 * persisted its queue on each `pagehide` (this listener comes after its
 * own), the delivered ones are taken out of it, as is each one it held
 * then once it is answered (another tab of the app, opened after the page
 * came back, would send what is left there). Where the page does not
 * come back, nothing is known to be delivered: the next load sends the
 * library's queue as it always does. `follower` is told of each event's
 * attempts and of its end. Wraps the destination's hooks: call
 * before anything else that does (bar the batcher, which standard delivery
 * does not use). Never throws.
 */
export function sendDeliveredOnce(analytics: DeliveredOnceLibrary, storage: KeyValueStorage | undefined, follower?: DeliveryFollower): void {
  const destination = findSegmentDestination(analytics.queue.plugins) as
    | (Partial<Record<(typeof EVENT_HOOKS)[number], unknown>> & { metadata?: { writeKey?: unknown } })
    | undefined;
  if (!destination) return;
  /** Contexts the library delivered: it hands the same object to the destination again (see above). */
  const deliveredContexts = new WeakSet<object>();
  /** Their messageIds, the newest {@link MAX_REMEMBERED} (a ring: nothing hashed per event), for the persisted queue. */
  const deliveredIds = { ring: [] as string[], next: 0 };
  /** The library's persisted queue: what it held after the last `pagehide`, not known delivered then; `forget` cleans it. */
  const queue = { persisted: new Set<string>(), forget: () => {} };
  // Offline, the library queues the event without a request (and without a failure): not delivered. Followed by
  // its events, and read again when the page comes back from the cache (it may have gone offline meanwhile).
  const connection = { online: true };
  const look = () => {
    connection.online = typeof navigator === 'undefined' || navigator.onLine !== false;
  };
  look();
  if (typeof window !== 'undefined') for (const type of ['online', 'offline', 'pageshow']) window.addEventListener(type, look);
  for (const type of EVENT_HOOKS) {
    const hook = destination[type] as Hook | undefined;
    if (typeof hook !== 'function') continue;
    destination[type] = (ctx: EventContext) => {
      const id = ctx.event.messageId;
      if (deliveredContexts.has(ctx)) return Promise.resolve(ctx);
      const logged = ctx.logs().length;
      const wasOnline = connection.online;
      if (typeof id === 'string') follower?.attempted(id);
      const sent = hook.call(destination, ctx) as Partial<Promise<unknown>> | undefined;
      // A request that failed logs an error on the context (and the library tries again); tries used up mark
      // it failed. (The library logs other things meanwhile: its turn for an event sent as the page went.)
      if (typeof sent?.then === 'function') {
        sent.then(() => {
          const delivered = wasOnline && !failedSince(ctx, logged);
          // Delivered, or given up on for good: the library holds it no more.
          if (typeof id === 'string' && (delivered || ctx.failedDelivery())) follower?.settled(id);
          if (!delivered) return;
          deliveredContexts.add(ctx);
          if (typeof id !== 'string') return;
          deliveredIds.ring[deliveredIds.next] = id;
          deliveredIds.next = (deliveredIds.next + 1) % MAX_REMEMBERED;
          // Answered once the page came back from the cache: out of the persisted queue now, before another tab reads it.
          if (queue.persisted.size && queue.persisted.has(id)) queue.forget();
        }, () => {});
      }
      return sent;
    };
  }
  const writeKey = destination.metadata?.writeKey;
  if (!storage || typeof writeKey !== 'string' || typeof window === 'undefined') return;
  const key = `${libraryQueuePrefix(writeKey)}dest-Segment.io:items`;
  queue.forget = () => {
    queue.persisted = forgetDelivered(storage, key, new Set(deliveredIds.ring));
  };
  window.addEventListener('pagehide', queue.forget);
}

/** Whether the library gave up on the event, or logged an error on it after its first `logged` entries. */
function failedSince(ctx: EventContext, logged: number): boolean {
  const logs = ctx.logs();
  return !!ctx.failedDelivery() || (logs.length > logged && logs.slice(logged).some(entry => entry.level === 'error'));
}

/**
 * Takes the events in `delivered` out of the library's persisted queue under
 * `key`; returns the messageIds left in it. Never throws.
 */
function forgetDelivered(storage: KeyValueStorage, key: string, delivered: { has(id: string): boolean }): Set<string> {
  try {
    const raw = storage.getItem(key);
    const items: unknown = raw ? JSON.parse(raw) : undefined;
    if (!Array.isArray(items)) return new Set();
    const idOf = (item: unknown) => (item as { event?: { messageId?: string } } | null)?.event?.messageId as string;
    const kept = items.filter(item => !delivered.has(idOf(item)));
    if (kept.length < items.length) {
      if (kept.length) storage.setItem(key, JSON.stringify(kept));
      else storage.removeItem(key);
    }
    return new Set(kept.map(idOf));
  } catch {
    // storage that refuses, or not the library's JSON: left as it is
    return new Set();
  }
}
