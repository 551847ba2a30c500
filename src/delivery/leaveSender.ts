import type { Analytics, Context, Plugin } from '@segment/analytics-next';
import type { Scheduler } from './scheduler';

/** The library's destination that sends to Segment's HTTP API. */
const SEGMENT_IO = 'Segment.io';

const EVENT_TYPES = ['track', 'page', 'identify', 'group', 'alias', 'screen'] as const;

type Destination = Partial<Record<(typeof EVENT_TYPES)[number], (ctx: Context) => unknown>> & { name?: string; type?: string };

/** See {@link createLeaveSender}. */
export type LeaveSender = {
  /** The plugin to register last (after the library has loaded): it must see events fully enriched. */
  plugin: Plugin;
  /** The page is being hidden or left: until its next task runs, events are sent as soon as enriched. */
  leaving(): void;
};

/**
 * Sends the events handed over while the page is being left without
 * waiting for a timer.
 *
 * @remarks
 * The library hands an enriched event to its destinations on a timer
 * (`setTimeout(0)`, after its plugins). A page being left runs no more
 * timers once the next document commits, which on a fast network can come
 * before that timer: the calls handed over in `pagehide` or `beforeunload`
 * were then never sent (the copy kept for the next load helps only a user who
 * comes back). While leaving, this enrichment plugin, registered after every
 * other one, gives each event to the library's own Segment.io destination
 * at once, in the same task (its request is built and started
 * synchronously, with `keepalive`), and takes that destination off the
 * event's list so that the timer, should it still run, does not send it
 * twice. What is sent is what the library would have sent. Once the page
 * runs its next task (it stayed, or came back), events go the library's
 * usual way again.
 */
export function createLeaveSender(scheduler: Pick<Scheduler, 'setTimeout'>): LeaveSender {
  let analytics: Analytics | undefined;
  let leavingNow = false;
  const sendNow = (ctx: Context): Context => {
    if (!leavingNow || !analytics) return ctx;
    const integrations = ctx.event.integrations ?? {};
    if (integrations[SEGMENT_IO] === false) return ctx;
    const destination = (analytics.queue.plugins as Destination[]).find(p => p.name === SEGMENT_IO && p.type === 'destination');
    const send = destination?.[ctx.event.type];
    if (typeof send !== 'function') return ctx;
    try {
      // The library's own code builds and starts the request now; its promise reports failures as usual.
      Promise.resolve(send.call(destination, ctx)).catch(() => {});
    } catch {
      return ctx; // not sent now: the library's timer sends it, as without this plugin
    }
    ctx.event.integrations = { ...integrations, [SEGMENT_IO]: false };
    return ctx;
  };
  const plugin: Plugin = {
    name: 'Backstage Segment: send while leaving',
    type: 'enrichment',
    version: '1.0.0',
    isLoaded: () => true,
    load: async (_ctx, instance) => {
      analytics = instance;
    },
    ...Object.fromEntries(EVENT_TYPES.map(type => [type, sendNow])),
  };
  return {
    plugin,
    leaving() {
      leavingNow = true;
      scheduler.setTimeout(() => {
        leavingNow = false;
      }, 0);
    },
  };
}
