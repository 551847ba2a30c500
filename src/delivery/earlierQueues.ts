import { transformOf } from '../config/readCallSettings';
import type { EnabledSegmentConfig } from '../config/SegmentConfig';
import { isSha256Digest } from '../identity/hashUserId';
import { isWriteKeyClaimed } from '../oncePerWriteKey';
import type { Scheduler } from '../time/scheduler';
import type { CallStore, KeyValueStorage } from './callStore';
import {
  dropKeptCallsTheLibraryKept,
  dropQueuesOfAnotherUser,
  dropQueuesOfOtherSettings,
  libraryQueueMessageIds,
  purgeExpiredOfOtherWriteKeys,
} from './librarySettings';
import { releaseStaleLibraryLocks } from './staleLibraryLocks';
import type { StoredOwner } from './storedOwner';
import type { Logger } from './Transport';

/** What {@link settleEarlierQueues} runs with besides the config. */
export type EarlierQueuesOptions = {
  logger: Logger;
  scheduler: Scheduler;
  /** The module's carry-over store: calls the library kept as well are taken from it. */
  keptCalls?: Pick<CallStore, 'take'>;
  storedOwner?: StoredOwner;
  /** This page's user, once known (`delivery: backend`). */
  pageUser?: Promise<string>;
};

/**
 * Before the library loads and reads its persisted queues (`kept`: the
 * page's localStorage, where usable): removes what earlier loads left that
 * this one must not send (made under other privacy or user id settings,
 * expired queues of write keys no instance claims, with `delivery: backend`
 * those of another user, locks of its queues left ahead of a wall clock
 * that stepped back), and takes from the module's carry-over store the
 * calls the library kept as well (left with a request on its way: the
 * library sends its copy, with tries afresh). Returns the messageIds the
 * library will take from the browser as it loads: its own to send in this page.
 */
export async function settleEarlierQueues(
  kept: KeyValueStorage | undefined,
  config: EnabledSegmentConfig,
  { logger, scheduler, keptCalls, storedOwner, pageUser }: EarlierQueuesOptions,
): Promise<string[]> {
  // The transform in use is the last part of the call settings (see `pathParts`): sha-256 makes every user id a digest.
  const digestsOnly = transformOf(config.callSettings) === 'sha-256';
  if (dropQueuesOfOtherSettings(kept, config.writeKey, config.callSettings, digestsOnly ? isSha256Digest : undefined)) {
    logger.warn('Segment analytics: the events the Segment library kept from an earlier page load were not sent: the privacy or user id settings have changed since');
  }
  purgeExpiredOfOtherWriteKeys(kept, config.writeKey, key => isWriteKeyClaimed(key));
  releaseStaleLibraryLocks(kept, config.writeKey, scheduler.wallNow());
  if (config.relay) await dropQueuesOfAnotherUser(kept, config.writeKey, storedOwner?.get(), pageUser, config.identityTimeoutMs, scheduler);
  if (keptCalls) dropKeptCallsTheLibraryKept(kept, config.writeKey, ids => keptCalls.take(ids));
  return libraryQueueMessageIds(kept, config.writeKey);
}
