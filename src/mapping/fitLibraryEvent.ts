import { byteSize, MAX_CALL_BYTES, truncateStrings } from './fitToSizeLimit';
import { jsonSizeBound } from './jsonSizeBound';

/** The parts of an event the library describes itself that {@link fitLibraryEvent} looks at. */
export type LibraryDescribedEvent = { type?: string; context?: Record<string, any>; properties?: Record<string, any> };

/**
 * Keeps an event within Segment's per-message limit where the library itself
 * described the page: `identify` and `group` (and a page call of its own,
 * should one be made) carry `context.page` read from `location`, whose URL and
 * query (twice: `url` and `search`) can be long. When the event is over the
 * limit, the strings of its `context` (and of a page call's properties) are
 * cut as `fitToSizeLimit` cuts a call's; in place. Track calls are the
 * module's own, fitted before they were handed over. Never throws.
 */
export function fitLibraryEvent(event: LibraryDescribedEvent, maxBytes = MAX_CALL_BYTES): void {
  if (event.type === 'track') return;
  try {
    if (jsonSizeBound(event, maxBytes) <= maxBytes || byteSize(event) <= maxBytes) return;
    if (event.context) event.context = truncateStrings(event.context) as Record<string, any>;
    if (event.type === 'page' && event.properties) event.properties = truncateStrings(event.properties) as Record<string, any>;
  } catch {
    // Not JSON (nothing the library builds): left to the library.
  }
}
