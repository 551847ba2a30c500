import { identityAnswering } from '../__testUtils__/identityApis';
import { resolveIdentity } from './resolveIdentity';

const JANE = 'user:default/jane';
// Verified in a shell: printf 'group:default/team-a' | sha256sum (and team-b)
const TEAM_A_SHA256 = '62524ca24b4bf2db9567814cb177a908d4def0b677f42e2516bad2a9ecdcb9ca';
const TEAM_B_SHA256 = 'cd796a89cb8624ce4f429f1c516d114b2774add02e9dda8a17f9f5164635a7ad';
// Verified in a shell: printf 'group:default/team-a' | openssl dgst -sha256 -hmac 'pepper-2024' (and team-b)
const TEAM_A_HMAC = '36e71e44260fe917d05ad67adfb26a8e75a70dcec6c8a72b00a377b91fb0201f';
const TEAM_B_HMAC = '5565350f37773473afde275de89092d490f4fdd4456a572a9d4e2fe54e6d12a6';
// Verified in a shell: printf 'user:default/jane' | sha256sum
const JANE_SHA256 = '5d35f8c857d864a884bc870ad6bad7bfc242bb70015af58617522b1a7486e99d';

/** Jane, owning `ownershipEntityRefs` (of any type: a hostile identity may give anything). */
const identityApi = (ownershipEntityRefs: unknown[], userEntityRef = JANE) =>
  identityAnswering(async () => ({ type: 'user', userEntityRef, ownershipEntityRefs }));

const ownership = [JANE, 'group:default/team-b', 'group:default/team-a'];

describe('resolveIdentity', () => {
  it('without groups configured, no group is resolved', async () => {
    await expect(resolveIdentity({ identityApi: identityApi(ownership) })).resolves.toEqual({ userId: JANE, groups: [] });
    await expect(resolveIdentity({ identityApi: identityApi(ownership), groups: false })).resolves.toEqual({
      userId: JANE,
      groups: [],
    });
  });

  it('without a transform: the group refs, sorted, with their names as traits', async () => {
    const api = identityApi(ownership);
    await expect(resolveIdentity({ identityApi: api, groups: { limit: 10 } })).resolves.toEqual({
      userId: JANE,
      groups: [
        { groupId: 'group:default/team-a', traits: { name: 'team-a' } },
        { groupId: 'group:default/team-b', traits: { name: 'team-b' } },
      ],
    });
    expect(api.calls).toBe(1);
  });

  it.each<[string, string]>([
    ['group:default/team-a', 'team-a'],
    ['group:team-a', 'team-a'],
    ['group:acme/platform.infra', 'platform.infra'],
  ])('the name of %s is %s', async (ref, name) => {
    const { groups } = await resolveIdentity({ identityApi: identityApi([ref]), groups: { limit: 10 } });
    expect(groups).toEqual([{ groupId: ref, traits: { name } }]);
  });

  it("'sha-256': the SHA-256 of each group ref, in the refs' order, with no traits", async () => {
    const identity = await resolveIdentity({ identityApi: identityApi(ownership), transform: 'sha-256', groups: { limit: 10 } });
    expect(identity).toEqual({
      userId: JANE_SHA256,
      groups: [
        { groupId: TEAM_A_SHA256, traits: {} },
        { groupId: TEAM_B_SHA256, traits: {} },
      ],
    });
    expect(JSON.stringify(identity)).not.toMatch(/team-|group:|user:/);
  });

  it("'sha-256' with a salt: HMAC-SHA-256 of each group ref", async () => {
    const { groups } = await resolveIdentity({
      identityApi: identityApi(ownership),
      transform: 'sha-256',
      salt: 'pepper-2024',
      groups: { limit: 10 },
    });
    expect(groups.map(g => g.groupId)).toEqual([TEAM_A_HMAC, TEAM_B_HMAC]);
  });

  it('the limit applies before the transform: the first groups in ref order', async () => {
    const refs = ['group:default/team-b', 'group:default/team-c', 'group:default/team-a'];
    const { groups } = await resolveIdentity({ identityApi: identityApi(refs), transform: 'sha-256', groups: { limit: 2 } });
    expect(groups.map(g => g.groupId)).toEqual([TEAM_A_SHA256, TEAM_B_SHA256]);
  });

  it('a custom transform is applied to the user and to every group, with no traits', async () => {
    const seen: string[] = [];
    const transform = async (ref: string) => {
      seen.push(ref);
      return `id-${ref.length}-${ref.slice(-1)}`;
    };
    const identity = await resolveIdentity({ identityApi: identityApi(ownership), transform, groups: { limit: 10 } });
    expect(identity).toEqual({
      userId: 'id-17-e',
      groups: [
        { groupId: 'id-20-a', traits: {} },
        { groupId: 'id-20-b', traits: {} },
      ],
    });
    expect(seen.sort()).toEqual([...ownership].sort());
  });

  it('a group whose transform fails or gives no id is left out, with one warning; never its plaintext ref', async () => {
    const warn = jest.fn();
    const transform = async (ref: string) => {
      if (ref.endsWith('team-a')) throw new Error('no pseudonym for this one');
      if (ref.endsWith('team-c')) return '';
      return `pseudo:${ref.length}`;
    };
    const refs = [JANE, 'group:default/team-a', 'group:default/team-b', 'group:default/team-c'];
    const identity = await resolveIdentity({ identityApi: identityApi(refs), transform, groups: { limit: 10 }, warn });
    expect(identity).toEqual({ userId: 'pseudo:17', groups: [{ groupId: 'pseudo:20', traits: {} }] });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/2 of the user's groups/);
    expect(JSON.stringify([identity, warn.mock.calls])).not.toMatch(/team-|group:|user:/);
  });

  it('without a transform, a group whose ref is too long to be an id is left out with a warning that names no transform', async () => {
    const warn = jest.fn();
    const long = `group:default/${'t'.repeat(260)}`;
    const result = resolveIdentity({ identityApi: identityApi([JANE, long, 'group:default/team-a']), groups: { limit: 10 }, warn });
    await expect(result).resolves.toEqual({ userId: JANE, groups: [{ groupId: 'group:default/team-a', traits: { name: 'team-a' } }] });
    expect(warn.mock.calls).toEqual([["Segment analytics: 1 of the user's groups have no usable id and are not sent"]]);
  });

  it('groups transformed to the same id are sent once', async () => {
    const { groups } = await resolveIdentity({
      identityApi: identityApi(ownership),
      transform: async ref => (ref.startsWith('group:') ? 'same' : 'u'),
      groups: { limit: 10 },
    });
    expect(groups).toEqual([{ groupId: 'same', traits: {} }]);
  });

  it("the user's failing transform rejects, whatever the groups, without quoting the transform's message", async () => {
    const transform = async (ref: string) => {
      if (ref === JANE) throw new Error(`down for ${ref}`);
      return 'g';
    };
    const result = resolveIdentity({ identityApi: identityApi(ownership), transform, groups: { limit: 10 } });
    await expect(result).rejects.toThrow('the userIdTransform failed');
    await expect(result).rejects.not.toThrow(JANE);
  });

  it('an identity without ownership refs has no groups', async () => {
    const api = identityApi([]);
    await expect(resolveIdentity({ identityApi: api, transform: 'sha-256', groups: { limit: 10 } })).resolves.toEqual({
      userId: JANE_SHA256,
      groups: [],
    });
  });
});
