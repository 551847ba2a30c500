import { memoryStorage } from './deliveryTestKit';

// The library's persisted queues in the browser's storage, for the tests of what the module does with them.

/** localStorage in a Map holding `entries`. */
export function storageWith(entries: Record<string, string>) {
  const storage = memoryStorage();
  Object.entries(entries).forEach(([key, value]) => storage.data.set(key, value));
  return storage;
}

/** The key of the library's queue of Segment.io calls, for write key `wk`. */
export const QUEUE = 'persisted-queue:v1:wk:dest-Segment.io:items';
/** The same queue of another write key. */
export const OTHER_KEYS_QUEUE = 'persisted-queue:v1:other:dest-Segment.io:items';
