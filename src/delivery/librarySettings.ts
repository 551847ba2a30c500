import { shapesCalls } from '../config/readCallSettings';
import { createCallStore, type KeyValueStorage } from './callStore';
import { KEPT_KEY, libraryQueuePrefix } from './dropKeptCalls';
import { browserScheduler, Scheduler } from '../time/scheduler';

/**
 * The library's persisted queues of a write key (calls it had not
 * delivered when a page was left, which the next load's library sends
 * itself, past the module's stages) are removed when the settings calls are
 * made under (`SegmentConfig.callSettings`) are not those of the load that
 * left them: as the module's own kept calls (see `madeUnder`), a call made
 * under other privacy or user id settings is not sent. The settings of the
 * last load are kept under `backstage-segment:<writeKey>:settings`; queues
 * found with no such record were left by something that does not record its
 * settings (the public plugin's library, another analytics.js of the origin,
 * a release of this module before the record): removed when this load's
 * settings shape calls (`shapesCalls`), kept under the defaults. Where
 * this load can tell its own user ids (`ownUserId`: a sha-256 digest), it
 * also removes them when a call in them has another kind of user id (the
 * plain entity ref): a tab still open under the settings of an earlier
 * deploy left them after this load recorded its own. Run before the library
 * loads (it reads its queues as it starts); never throws.
 *
 * @returns whether queues were removed
 */
export function dropQueuesOfOtherSettings(
  storage: KeyValueStorage | undefined,
  writeKey: string,
  settings: string,
  ownUserId?: (userId: string) => boolean,
): boolean {
  if (!storage) return false;
  try {
    const key = `backstage-segment:${writeKey}:settings`;
    const last = storage.getItem(key);
    const other = (last === null ? shapesCalls(settings) : last !== settings) || (!!ownUserId && holdsUserIdsNotOwn(storage, writeKey, ownUserId));
    const dropped = other && dropLibraryQueues(storage, writeKey);
    if (last !== settings) storage.setItem(key, settings);
    return dropped;
  } catch {
    // storage that refuses: the library cannot have kept queues there either
    return false;
  }
}

/** The keys of the library's persisted queues of `writeKey`. Throws where storage does. */
function libraryQueueKeys(storage: KeyValueStorage, writeKey: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < (storage.length ?? 0); i++) {
    const name = storage.key?.(i);
    if (name?.startsWith(libraryQueuePrefix(writeKey))) keys.push(name);
  }
  return keys;
}

/** Removes the library's persisted queues of `writeKey`; whether there were any. Throws where storage does. */
function dropLibraryQueues(storage: KeyValueStorage, writeKey: string): boolean {
  const queues = libraryQueueKeys(storage, writeKey);
  queues.forEach(name => storage.removeItem(name));
  return queues.length > 0;
}

/** A call as the library keeps it in its queue (its context's id and event). */
type LibraryQueueItem = { id?: unknown; event?: { messageId?: unknown; userId?: unknown } } | null;

/**
 * The library's queues of calls of `writeKey` (`:items`), each with its
 * calls; `items` undefined: not the library's JSON. Throws where storage does.
 */
function libraryQueues(storage: KeyValueStorage, writeKey: string): Array<{ key: string; items?: LibraryQueueItem[] }> {
  return libraryQueueKeys(storage, writeKey)
    .filter(key => key.endsWith(':items'))
    .map(key => {
      try {
        const items: unknown = JSON.parse(storage.getItem(key) ?? '[]');
        return { key, items: Array.isArray(items) ? (items as LibraryQueueItem[]) : [] };
      } catch {
        return { key };
      }
    });
}

/**
 * Whether a queue the library kept holds a call whose `userId` (as sent) is
 * not one `own` tells as this load's; an unreadable one (not the library's
 * JSON) counts as such: removed rather than sent. Throws where storage does.
 */
function holdsUserIdsNotOwn(storage: KeyValueStorage, writeKey: string, own: (userId: string) => boolean): boolean {
  return libraryQueues(storage, writeKey).some(
    ({ items }) => !items || items.some(item => typeof item?.event?.userId === 'string' && !own(item.event.userId)),
  );
}

/**
 * `delivery: backend`: the relay gives every call the user of the browser's
 * cookie, so calls the library kept for a retry while another user was
 * signed in (signed out since, in this browser) would go out as this one's.
 * Removes them before the library loads, once this user is known (`userId`,
 * waited for at most `waitMs`; unknown then: removed where someone is
 * recorded or a kept call has a user id, they may be another's), when the browser's identity
 * (`previousUser`) is another's, or when a kept call is another user's (a
 * tab of theirs closed with calls unsent after another person signed in in
 * another tab). Never throws; whether queues were removed.
 */
export async function dropQueuesOfAnotherUser(
  storage: KeyValueStorage | undefined,
  writeKey: string,
  previousUser: string | undefined,
  userId: Promise<string> | undefined,
  waitMs: number,
  scheduler: Pick<Scheduler, 'setTimeout' | 'clearTimeout'> = browserScheduler,
): Promise<boolean> {
  if (!storage || !userId) return false;
  let timer: unknown;
  const late = new Promise<undefined>(resolve => {
    timer = scheduler.setTimeout(() => resolve(undefined), waitMs);
  });
  const current = await Promise.race([userId.catch(() => undefined), late]);
  scheduler.clearTimeout(timer);
  try {
    // Unknown in time (failed, late): kept only where no one else can have left them (lost, not misattributed).
    if (current === undefined) return (previousUser !== undefined || holdsUserIdsNotOwn(storage, writeKey, () => false)) && dropLibraryQueues(storage, writeKey);
    const another = (previousUser !== undefined && current !== previousUser) || holdsUserIdsNotOwn(storage, writeKey, user => user === current);
    return another && dropLibraryQueues(storage, writeKey);
  } catch {
    return false; // storage that refuses: the library cannot have kept queues there either
  }
}

/**
 * The events other write keys kept (an earlier, rotated one's, say) that are
 * older than a kept event may be: no load of this write key reads those keys,
 * so nothing else would remove them (they hold their users' ids). Those of a
 * write key an instance in this page sends for (`claimed`) are its own to
 * read. Never throws.
 */
export function purgeExpiredOfOtherWriteKeys(storage: KeyValueStorage | undefined, writeKey: string, claimed: (key: string) => boolean): void {
  try {
    const others = new Set<string>();
    for (let i = 0; storage && i < (storage.length ?? 0); i++) {
      const other = KEPT_KEY.exec(storage.key?.(i) ?? '')?.[1];
      if (other !== undefined && other !== writeKey && !claimed(other)) others.add(other);
    }
    const quiet = { warn: () => {}, info: () => {} };
    // Reading a write key's kept events removes the expired ones (see `createCallStore`).
    for (const other of others) createCallStore({ storage: storage!, writeKey: other, now: Date.now, logger: quiet }).load();
  } catch {
    // storage that refuses: nothing kept there to purge
  }
}

/**
 * Takes from the module's kept calls (`takeKept`: the carry-over store's
 * `take`) those the library's persisted queues of `writeKey` hold, so that
 * the next load sends them once, not twice, and gives those the library's
 * tries afresh. A page left while a call's request was on its way (the
 * module hands over, with `keepalive`, what waited as the page is left, and
 * keeps it too) had the library keep that call as well: it persists its
 * requests in flight on `pagehide`, with the tries they had, and sends them
 * as soon as it loads, for the user they were built for, whoever signs in
 * next (the module's copy would wait for that user, at most 24 h). A call
 * whose tries were used up (one on its way at its last try, or every one
 * where the CDN settings allow a single try) would be dropped unsent: its
 * count is removed (`:seen`). Run before the library loads (it takes its
 * queues as it starts) and before the module reads its kept calls; never throws.
 *
 * @returns how many kept calls were taken
 */
export function dropKeptCallsTheLibraryKept(
  storage: KeyValueStorage | undefined,
  writeKey: string,
  takeKept: (messageIds: string[]) => ReadonlySet<string>,
): number {
  try {
    if (!storage) return 0;
    const read = libraryQueues(storage, writeKey);
    // A queue that is not the library's JSON: all left as they are.
    if (read.some(({ items }) => !items)) return 0;
    const queues = read.filter((queue): queue is { key: string; items: LibraryQueueItem[] } => !!queue.items);
    const queued = queues.flatMap(({ items }) => items.map(item => item?.event?.messageId)).filter((id): id is string => typeof id === 'string');
    // Only what the store could remove from every key it is kept under: a copy left behind is sent by the module too.
    const doubled = queued.length ? takeKept(queued) : new Set<string>();
    for (const { key, items } of queues) {
      const ids = items.filter(item => doubled.has(item?.event?.messageId as string)).map(item => item?.id);
      if (ids.length) freshTries(storage, key.replace(/:items$/, ':seen'), ids);
    }
    return doubled.size;
  } catch {
    return 0; // storage that refuses, or a queue that is not the library's JSON: left as it is
  }
}

/** Removes the library's count of tries (`:seen`, by its context id) of `ids`. Throws where storage does. */
function freshTries(storage: KeyValueStorage, seenKey: string, ids: unknown[]): void {
  const seen: unknown = JSON.parse(storage.getItem(seenKey) ?? '{}');
  if (!seen || typeof seen !== 'object') return;
  const counts = { ...(seen as Record<string, unknown>) };
  for (const id of ids) if (typeof id === 'string') delete counts[id];
  storage.setItem(seenKey, JSON.stringify(counts));
}

/** The messageIds of the calls in the library's persisted queues of `writeKey` (none where they cannot be read). */
export function libraryQueueMessageIds(storage: KeyValueStorage | undefined, writeKey: string): string[] {
  try {
    if (!storage) return [];
    return libraryQueues(storage, writeKey).flatMap(({ items }) => (items ?? []).map(item => item?.event?.messageId)).filter((id): id is string => typeof id === 'string');
  } catch {
    return [];
  }
}

/**
 * Removes from the library's persisted queues of `writeKey` the calls of
 * `messageIds`: those of a library the user switched off (a retry it still
 * held when the page was left, persisted by its `pagehide` listener, would be
 * sent by the next load: said before the "no"). Run after that listener;
 * never throws.
 */
export function dropLibraryCallsOf(storage: KeyValueStorage | undefined, writeKey: string, messageIds: ReadonlySet<string>): void {
  try {
    if (!storage) return;
    for (const { key, items = [] } of libraryQueues(storage, writeKey)) {
      const gone = new Set(items.filter(item => messageIds.has(item?.event?.messageId as string)));
      if (!gone.size) continue;
      const left = items.filter(item => !gone.has(item));
      if (left.length) storage.setItem(key, JSON.stringify(left));
      else storage.removeItem(key);
      // The record of tries (by context id) keeps those of the calls left only: the library never prunes it, and
      // nothing of the calls it sent or of those removed is left behind (the user said no).
      const seenKey = key.replace(/:items$/, ':seen');
      const seen: unknown = JSON.parse(storage.getItem(seenKey) ?? '{}');
      if (!seen || typeof seen !== 'object') continue;
      const ids = new Set(left.map(item => String(item?.id)));
      const kept = Object.entries(seen).filter(([id]) => ids.has(id));
      if (kept.length) storage.setItem(seenKey, JSON.stringify(Object.fromEntries(kept)));
      else storage.removeItem(seenKey);
    }
  } catch {
    // storage that refuses: the library could not have kept its queue there either
  }
}
