import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  CacheService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { RelayConfig } from '../config/RelayConfig';
import { pseudonymize } from './pseudonymize';
import { selectGroupRefs } from './selectGroupRefs';

/** How long a user's group ids are kept in the cache service. */
export const GROUPS_TTL_MS = 5 * 60 * 1000;

/** The signed-in user as Segment sees them: pseudonymous ids only. */
export type Caller = {
  /** HMAC of the user's entity ref. */
  userId: string;
  /** HMACs of their groups, in order; the first is `context.groupId`. Empty without group analytics. */
  groupIds: readonly string[];
};

/** What {@link resolveCaller} needs. */
export type CallerSources = {
  config: Pick<RelayConfig, 'hmacKey' | 'groups'>;
  userInfo: UserInfoService;
  cache: CacheService;
  logger: LoggerService;
};

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(id => typeof id === 'string');
}

/**
 * The caller's ids, from their credentials and (with group analytics) their
 * ownership refs as the user-info service gives them.
 *
 * @remarks
 * Group ids are shared by all replicas through the cache service, keyed by
 * the user's HMAC id, for {@link GROUPS_TTL_MS}: neither key nor value holds a
 * plaintext ref. A cache that fails counts as a miss; a user-info lookup that
 * fails gives no groups (the events still go out) and one warning that names
 * nobody.
 */
export async function resolveCaller(
  credentials: BackstageCredentials<BackstageUserPrincipal>,
  { config, userInfo, cache, logger }: CallerSources,
): Promise<Caller> {
  const userId = pseudonymize(credentials.principal.userEntityRef, config.hmacKey);
  if (!config.groups) return { userId, groupIds: [] };
  const cacheKey = `groups:v1:${config.groups.limit}:${userId}`;
  let cached: unknown;
  try {
    cached = await cache.get(cacheKey);
  } catch {
    cached = undefined;
  }
  if (isIdList(cached)) return { userId, groupIds: cached };

  let ownershipEntityRefs: readonly unknown[];
  try {
    ({ ownershipEntityRefs } = await userInfo.getUserInfo(credentials));
  } catch (error) {
    logger.warn(`Segment relay: the user's groups could not be read (${(error as Error)?.name ?? 'error'}); this request is sent without group data`);
    return { userId, groupIds: [] };
  }
  const refs = selectGroupRefs(Array.isArray(ownershipEntityRefs) ? ownershipEntityRefs : [], config.groups.limit);
  const groupIds = refs.map(ref => pseudonymize(ref, config.hmacKey));
  try {
    await cache.set(cacheKey, groupIds, { ttl: GROUPS_TTL_MS });
  } catch {
    logger.warn('Segment relay: the cache service refused to store group ids; they are looked up again next time');
  }
  return { userId, groupIds };
}
