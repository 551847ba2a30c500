import { describeError } from '../warnSafely';
import { isStorageFailure } from './storageProbe';

/**
 * The warning given when the library could not be loaded (or failed on the
 * browser's storage as it loaded). `lost`: the calls dropped; undefined when
 * they, and those still to come, are kept for the next page load.
 */
export function libraryFailure(error: unknown, lost: number | undefined): string {
  const why = isStorageFailure(error) ? "failed on the browser's storage" : 'could not be loaded (blocked or offline?)';
  const what =
    lost === undefined
      ? 'events are kept for the next page load, where the browser can store them'
      : `analytics is off for this page (${lost} ${lost === 1 ? 'event' : 'events'} not sent)`;
  return `Segment analytics: the Segment library ${why}; ${what}: ${describeError(error)}`;
}
