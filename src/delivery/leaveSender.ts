import type { Analytics, Context, Plugin } from '@segment/analytics-next';
import type { Scheduler } from './scheduler';

/** The library's destination that sends to Segment's HTTP API. */
const SEGMENT_IO = 'Segment.io';

const EVENT_TYPES = ['track', 'page', 'identify', 'group', 'alias', 'screen'] as const;

/** Most events remembered between their enrichment and the library's timer (it runs within a task or two). */
const MAX_WAITING = 1000;

type Hook = (ctx: Context) => unknown;
type Destination = Partial<Record<(typeof EVENT_TYPES)[number], Hook>> & { name?: string; type?: string };

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
 * `keepalive`). The destination is wrapped so that the timer, should it
 * still run, does not send an event twice. What is sent is what the library
 * would have sent. Once the page runs its next task (it stayed, or came
 * back), events go the library's usual way again.
 */
export function createLeaveSender(scheduler: Pick<Scheduler, 'setTimeout'>): LeaveSender {
  let destination: Destination | undefined;
  let leavingNow = false;
  /** Enriched, not given to the destination yet, in enrichment order. */
  const waiting = new Set<Context>();
  /** Given to the destination at once: its timer skips them. */
  const sentAtOnce = new WeakSet<Context>();
  const original = new Map<string, Hook>();

  const sendNow = (ctx: Context) => {
    waiting.delete(ctx);
    const send = original.get(ctx.event.type);
    if (!send || sentAtOnce.has(ctx)) return;
    try {
      // The library's own code builds and starts the request now; its promise reports failures as usual.
      Promise.resolve(send.call(destination, ctx)).catch(() => {});
      sentAtOnce.add(ctx);
    } catch {
      // not sent now: the library's timer sends it, as without this plugin
    }
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
  /** The destination's hooks, wrapped: an event already sent at once is not sent again. */
  const wrap = (found: Destination) => {
    for (const type of EVENT_TYPES) {
      const hook = found[type];
      if (typeof hook !== 'function') continue;
      original.set(type, hook);
      found[type] = (ctx: Context) => {
        waiting.delete(ctx);
        return sentAtOnce.has(ctx) ? ctx : hook.call(found, ctx);
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
      const found = (analytics.queue.plugins as Destination[]).find(p => p.name === SEGMENT_IO && p.type === 'destination');
      if (found && !destination) wrap(found);
    },
    ...Object.fromEntries(EVENT_TYPES.map(type => [type, enriched])),
  };
  return {
    plugin,
    leaving() {
      leavingNow = true;
      for (const ctx of [...waiting]) sendNow(ctx);
      scheduler.setTimeout(() => {
        leavingNow = false;
      }, 0);
    },
  };
}
