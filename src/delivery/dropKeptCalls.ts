import { callStoreKey } from './callStore';

/** The module's keys that name a write key: its kept calls (and each page's copy of them), its stored owner. */
export const KEPT_KEY = /^backstage-segment:(.*):(?:pending|user|settings)(?::page-[\w-]+)?$/;

/** The start of the keys of the library's persisted queues of a write key. */
export function libraryQueuePrefix(writeKey: string): string {
  return `persisted-queue:v1:${writeKey}:`;
}

/**
 * Removes the calls kept for a next load (the module's, and the library's
 * persisted queues of the same write keys): what a page load with analytics
 * off for this browser does (`enabled: false`, `disableClientPersistence`),
 * as no load of its config would send them, and localStorage keeps them for
 * good otherwise. Write keys come from the module's own keys; one that an
 * instance in this page has claimed (`keep`) keeps its calls, for it to send.
 * Never throws (storage that cannot be reached keeps nothing).
 */
export function dropKeptCalls(
  keep: (writeKey: string) => boolean,
  storage: Pick<Storage, 'length' | 'key' | 'removeItem'> | undefined = pageStorage(),
): void {
  try {
    const keys: string[] = [];
    for (let i = 0; storage && i < storage.length; i++) keys.push(storage.key(i) ?? '');
    const writeKeys = keys.map(key => KEPT_KEY.exec(key)?.[1]).filter(k => k !== undefined && !keep(k));
    const dropped = writeKeys.map(k => callStoreKey(k!));
    for (const key of keys) {
      const kept = dropped.some(main => key === main || key.startsWith(`${main}:`));
      if (kept || writeKeys.some(k => key.startsWith(libraryQueuePrefix(k!)))) storage!.removeItem(key);
    }
  } catch {
    // a store that refuses: the module could not have kept calls there either
  }
}

/** The page's localStorage; undefined where reaching it throws (a sandboxed frame). */
function pageStorage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}


/**
 * {@link dropKeptCalls} in the page's next task: an instance built after
 * this one in the same task (the module registered twice, or for another
 * write key) has claimed its write key by then, and keeps its calls.
 */
export function dropKeptCallsSoon(keep: (writeKey: string) => boolean): void {
  setTimeout(() => dropKeptCalls(keep), 0);
}
