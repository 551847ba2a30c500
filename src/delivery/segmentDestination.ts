import { EVENT_HOOKS } from './enrichmentGuard';

/** The name of the library's destination that sends to Segment's HTTP API. */
export const SEGMENT_IO = 'Segment.io';

/** A plugin of the library as the module sees it: its name, type and event hooks (replaceable). */
export type LibraryDestination = { name?: unknown; type?: unknown } & Partial<Record<(typeof EVENT_HOOKS)[number], unknown>>;

/** The library's Segment.io destination among its loaded plugins (`analytics.queue.plugins`), if any. */
export function findSegmentDestination(plugins: unknown[]): LibraryDestination | undefined {
  return (plugins as LibraryDestination[]).find(p => p.name === SEGMENT_IO && p.type === 'destination');
}
