import type { KeyValueStorage } from './callStore';
import { libraryQueuePrefix } from './dropKeptCalls';

/**
 * How far ahead of the wall clock a lock of the library's queue can be: it
 * takes one for 50 ms around each read and write of a persisted queue.
 */
const LOCK_AHEAD_MS = 1000;

/**
 * Removes the locks of `writeKey`'s persisted library queues that lie further
 * ahead than a lock can (or that are not a time at all). The library dates
 * its lock by the wall clock and leaves it behind when the write it guards
 * fails (localStorage full as the page is left); ahead of a clock that has
 * stepped back since, it would keep every load from reading or storing that
 * queue (`Unable to retrieve lock`: what the library holds as the page goes is
 * lost) until the clock caught up. Run before the library loads. Never throws.
 */
export function releaseStaleLibraryLocks(storage: KeyValueStorage | undefined, writeKey: string, now: number): void {
  try {
    const prefix = libraryQueuePrefix(writeKey);
    const stale: string[] = [];
    for (let i = 0; storage && i < (storage.length ?? 0); i++) {
      const key = storage.key?.(i) ?? '';
      if (!key.startsWith(prefix) || !key.endsWith(':lock')) continue;
      const until = Number(storage.getItem(key));
      if (!(until <= now + LOCK_AHEAD_MS)) stale.push(key);
    }
    for (const key of stale) storage!.removeItem(key);
  } catch {
    // storage that refuses: the library meets the same refusal
  }
}
