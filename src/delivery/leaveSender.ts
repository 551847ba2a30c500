import type { Analytics, Context, Plugin } from '@segment/analytics-next';
import { EVENT_HOOKS } from './enrichmentGuard';
import type { Scheduler } from '../time/scheduler';
import { findSegmentDestination, SEGMENT_IO } from './segmentDestination';

/** Most events remembered between their enrichment and the library's timer (it runs within a task or two). */
const MAX_WAITING = 1000;

type Hook = (ctx: Context) => unknown;
type Destination = Partial<Record<(typeof EVENT_HOOKS)[number], Hook>> & { name?: string; type?: string };

/** See {@link createLeaveSender}. */
export type LeaveSender = {
  /** The plugin to register last (after the library has loaded): it must see events fully enriched. */
  plugin: Plugin;
  /** The page is being hidden or left: until its next task runs, events are sent as soon as enriched. */
  leaving(): void;
};

/**
 * Sends the events handed over while the page is being left, and those
 * the library had already prepared, without waiting for a timer.
 *
 * @remarks
 * The library hands an enriched event to its destinations on a timer
 * (`setTimeout(0)`, after its plugins). A page being left runs no more
 * timers once the next document commits, which on a fast network can come
 * before that timer: the calls handed over in `pagehide` or `beforeunload`
 * were then never sent (the copy kept for the next load helps only a user who
 * comes back). This enrichment plugin, registered after every other one,
 * remembers each event from its enrichment until the library's Segment.io
 * destination gets it. When the page is being left, it gives that
 * destination the events still waiting for their timer, in order, then each
 * event handed over meanwhile as soon as it is enriched: in the same task,
 * where the destination builds and starts its request synchronously (with
 * `keepalive`). What is sent is what the library would have sent. The
 * destination is wrapped so that its timer's turn, when it comes (the page
 * stayed, or came back), is the request already started, once: later
 * retries of a failed request go through as usual. Once the page runs its
 * next task, events go the library's usual way again.
 *
 * With `batching`, the transport tells it only when the page is unloaded
 * for good (see `libraryDelivery.ts`).
 */
export function createLeaveSender(scheduler: Pick<Scheduler, 'setTimeout'>): LeaveSender {
  let destination: Destination | undefined;
  let leavingNow = false;
  /** Enriched, not given to the destination yet, in enrichment order. */
  const waiting = new Set<Context>();
  /** Sent at once: the destination's own turn takes this request instead of sending again. */
  const sentAtOnce = new WeakMap<Context, Promise<unknown>>();
  const original = new Map<string, Hook>();

  const sendNow = (ctx: Context) => {
    waiting.delete(ctx);
    const send = original.get(ctx.event.type);
    if (!send || sentAtOnce.has(ctx)) return;
    // The library's own code builds and starts the request now (an async function: it never throws here).
    const sent = Promise.resolve(send.call(destination, ctx));
    sent.catch(() => {}); // the destination's turn returns it to the library, which handles a failure
    sentAtOnce.set(ctx, sent);
  };
  const enriched = (ctx: Context): Context => {
    if (!destination || ctx.event.integrations?.[SEGMENT_IO] === false) return ctx;
    if (leavingNow) {
      sendNow(ctx);
    } else {
      const oldest = waiting.values().next();
      if (waiting.size >= MAX_WAITING && !oldest.done) waiting.delete(oldest.value);
      waiting.add(ctx);
    }
    return ctx;
  };
  /** The destination's hooks, wrapped: an event sent at once is not sent again on its turn. */
  const wrap = (found: Destination) => {
    for (const type of EVENT_HOOKS) {
      const hook = found[type];
      if (typeof hook !== 'function') continue;
      original.set(type, hook);
      found[type] = (ctx: Context) => {
        waiting.delete(ctx);
        const sent = sentAtOnce.get(ctx);
        if (!sent) return hook.call(found, ctx);
        sentAtOnce.delete(ctx); // once: a retry of this event is sent again
        return sent;
      };
    }
    destination = found;
  };
  const plugin: Plugin = {
    name: 'Backstage Segment: send while leaving',
    type: 'enrichment',
    version: '1.0.0',
    isLoaded: () => true,
    load: async (_ctx, analytics: Analytics) => {
      const found = findSegmentDestination(analytics.queue.plugins) as Destination | undefined;
      if (found && !destination) wrap(found);
    },
    ...Object.fromEntries(EVENT_HOOKS.map(type => [type, enriched])),
  };
  return {
    plugin,
    leaving() {
      leavingNow = true;
      scheduler.setTimeout(() => {
        leavingNow = false;
      }, 0);
      for (const ctx of [...waiting]) sendNow(ctx);
    },
  };
}
