import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { pseudonymize } from './pseudonymize';
import { resolveCaller, GROUPS_TTL_MS } from './resolveCaller';

const KEY = 'resolve-caller-test-key';
const ALICE = 'user:default/alice';
const credentials = mockCredentials.user(ALICE);
const ownership = [ALICE, 'group:default/b-team', 'group:default/a-team', 'group:default/a-team', 'system:default/x'];

function sources(overrides: { getUserInfo?: jest.Mock; cache?: any } = {}) {
  const getUserInfo = overrides.getUserInfo ?? jest.fn(async () => ({ userEntityRef: ALICE, ownershipEntityRefs: ownership }));
  const logger = mockServices.logger.mock();
  const cache = overrides.cache ?? mockServices.cache.mock();
  return { config: { hmacKey: KEY, groups: { limit: 10 } as const }, userInfo: { getUserInfo }, cache, logger, getUserInfo };
}

describe('resolveCaller', () => {
  it("gives the user's HMAC id and no lookup without group analytics", async () => {
    const src = sources();
    await expect(resolveCaller(credentials, { ...src, config: { hmacKey: KEY, groups: false } })).resolves.toEqual({
      userId: pseudonymize(ALICE, KEY),
      groupIds: [],
    });
    expect(src.getUserInfo).not.toHaveBeenCalled();
  });

  it('keys group ids like user ids, in sorted order, each once, and stores them in the cache by HMAC id', async () => {
    const src = sources();
    src.cache.get.mockResolvedValue(undefined);
    const caller = await resolveCaller(credentials, src);
    const ids = ['group:default/a-team', 'group:default/b-team'].map(ref => pseudonymize(ref, KEY));
    expect(caller.groupIds).toEqual(ids);
    expect(src.cache.set).toHaveBeenCalledWith(`groups:v1:10:${pseudonymize(ALICE, KEY)}`, ids, { ttl: GROUPS_TTL_MS });
    expect(JSON.stringify(src.cache.set.mock.calls)).not.toMatch(/team|alice/);
  });

  it('takes group ids from the cache when another replica stored them', async () => {
    const src = sources();
    src.cache.get.mockResolvedValue(['cached-id']);
    await expect(resolveCaller(credentials, src)).resolves.toMatchObject({ groupIds: ['cached-id'] });
    expect(src.getUserInfo).not.toHaveBeenCalled();
  });

  it('treats a failing cache as a miss and still answers', async () => {
    const src = sources();
    src.cache.get.mockRejectedValue(new Error('cache down'));
    src.cache.set.mockRejectedValue(new Error('cache down'));
    await expect(resolveCaller(credentials, src)).resolves.toMatchObject({ groupIds: expect.arrayContaining([pseudonymize('group:default/a-team', KEY)]) });
    expect(src.logger.warn).toHaveBeenCalledWith(expect.stringContaining('the cache service refused to store group ids'));
  });

  it('sends without groups, with one warning naming nobody, when the user-info lookup fails', async () => {
    const src = sources({ getUserInfo: jest.fn(async () => Promise.reject(new Error(`no info for ${ALICE}`))) });
    src.cache.get.mockResolvedValue(undefined);
    await expect(resolveCaller(credentials, src)).resolves.toEqual({ userId: pseudonymize(ALICE, KEY), groupIds: [] });
    expect(src.logger.warn).toHaveBeenCalledTimes(1);
    expect(src.logger.warn.mock.calls[0][0]).not.toContain('alice');
  });
});
