import { identityAnswering } from '../__testUtils__/identityApis';
import { resolveIdentity } from './resolveIdentity';
import { selectGroupRefs } from './selectGroupRefs';

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

describe('selectGroupRefs', () => {
  it.each<[string, unknown, number, string[]]>([
    ['only group refs, sorted', [JANE, 'group:default/zeta', 'component:default/x', 'group:default/alpha'], 10, ['group:default/alpha', 'group:default/zeta']],
    ['the same refs in another order give the same list', ['group:default/alpha', JANE, 'group:default/zeta'], 10, ['group:default/alpha', 'group:default/zeta']],
    ['at most the limit, the first ones in order', ['group:x/c', 'group:x/a', 'group:x/d', 'group:x/b'], 2, ['group:x/a', 'group:x/b']],
    ['a limit of 1', ['group:x/b', 'group:x/a'], 1, ['group:x/a']],
    ['each ref once', ['group:x/a', 'group:x/a', 'group:x/b'], 10, ['group:x/a', 'group:x/b']],
    ['code-unit order, not locale order', ['group:x/b', 'group:x/B', 'group:x/a', 'group:x/é'], 10, ['group:x/B', 'group:x/a', 'group:x/b', 'group:x/é']],
    ['the kind in any case', ['Group:default/ops'], 10, ['Group:default/ops']],
    ['no groups', [JANE], 10, []],
    ['a bare "group:" is no ref', ['group:', 'groups:default/x', 'mygroup:default/x'], 10, []],
    ['hostile entries are skipped', [null, 42, { ref: 'group:x/a' }, ['group:x/b'], 'group:x/c'], 10, ['group:x/c']],
    ['not a list at all', 'group:x/a', 10, []],
    ['undefined', undefined, 10, []],
  ])('%s', (_label, refs, limit, expected) => {
    expect(selectGroupRefs(refs, limit)).toEqual(expected);
  });
});

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

  it("a group transform that is slow or never answers is left out groupTimeoutMs after the user's id: the id is held back no longer", async () => {
    jest.useFakeTimers();
    try {
      const warn = jest.fn();
      const transform = (ref: string): Promise<string> => {
        if (ref === 'group:default/team-a') return new Promise(() => {});
        if (ref === 'group:default/team-b') return new Promise(resolve => setTimeout(() => resolve('late-b'), 900));
        return Promise.resolve(ref === JANE ? 'jane-id' : 'id-c');
      };
      const refs = [JANE, 'group:default/team-a', 'group:default/team-b', 'group:default/team-c'];
      let resolved: unknown;
      resolveIdentity({ identityApi: identityApi(refs), transform, groups: { limit: 10 }, groupTimeoutMs: 500, warn }).then(r => {
        resolved = r;
      });
      await jest.advanceTimersByTimeAsync(499);
      expect(resolved).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(resolved).toEqual({ userId: 'jane-id', groups: [{ groupId: 'id-c', traits: {} }] });
      expect(warn.mock.calls).toEqual([["Segment analytics: 2 of the user's groups took over 500 ms after the user's id and are not sent"]]);
    } finally {
      jest.useRealTimers();
    }
  });

  it("groups as slow as the user's id are waited for: the time starts when the user's id is known", async () => {
    jest.useFakeTimers();
    try {
      // One slow directory behind the app's transform: every ref takes 3 s.
      const transform = (ref: string) => new Promise<string>(resolve => setTimeout(() => resolve(`id-${ref.length}`), 3000));
      const warn = jest.fn();
      const refs = [JANE, 'group:default/team-a', 'group:default/team-bb'];
      const result = resolveIdentity({ identityApi: identityApi(refs), transform, groups: { limit: 10 }, groupTimeoutMs: 500, warn });
      await jest.advanceTimersByTimeAsync(3000);
      await expect(result).resolves.toEqual({ userId: `id-${JANE.length}`, groups: [{ groupId: 'id-20', traits: {} }, { groupId: 'id-21', traits: {} }] });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });

  it("with 'sha-256' (the module's own digest) groups are not bounded: a long task cannot make them late", async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const warn = jest.fn();
      const refs = [JANE, 'group:default/team-a'];
      const result = resolveIdentity({ identityApi: identityApi(refs), transform: 'sha-256', groups: { limit: 10 }, groupTimeoutMs: 1, warn });
      // The identity has answered and the digests are under way (microtasks only: no digest completes meanwhile);
      // then time runs past any bound before they complete.
      for (let i = 0; i < 20; i++) await Promise.resolve();
      jest.advanceTimersByTime(10_000);
      const { groups } = await result;
      expect(groups).toHaveLength(1);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });

  it('tells failures and late groups apart', async () => {
    jest.useFakeTimers();
    try {
      const warn = jest.fn();
      const transform = (ref: string): Promise<string> => {
        if (ref === JANE) return Promise.resolve('jane-id');
        if (ref === 'group:default/team-a') return Promise.reject(new Error('down'));
        return new Promise(() => {});
      };
      const result = resolveIdentity({ identityApi: identityApi([JANE, 'group:default/team-a', 'group:default/team-b']), transform, groups: { limit: 10 }, groupTimeoutMs: 500, warn });
      await jest.advanceTimersByTimeAsync(500);
      await expect(result).resolves.toEqual({ userId: 'jane-id', groups: [] });
      expect(warn.mock.calls).toEqual([
        ["Segment analytics: 1 of the user's groups have no usable id and are not sent"],
        ["Segment analytics: 1 of the user's groups took over 500 ms after the user's id and are not sent"],
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('without a transform, a group whose ref is too long to be an id is left out with a warning that names no transform', async () => {
    const warn = jest.fn();
    const long = `group:default/${'t'.repeat(260)}`;
    const result = resolveIdentity({ identityApi: identityApi([JANE, long, 'group:default/team-a']), groups: { limit: 10 }, warn });
    await expect(result).resolves.toEqual({ userId: JANE, groups: [{ groupId: 'group:default/team-a', traits: { name: 'team-a' } }] });
    expect(warn.mock.calls).toEqual([["Segment analytics: 1 of the user's groups have no usable id and are not sent"]]);
  });

  it('a group transform answering within groupTimeoutMs is sent', async () => {
    jest.useFakeTimers();
    try {
      const transform = (ref: string): Promise<string> =>
        ref === JANE ? Promise.resolve('jane-id') : new Promise(resolve => setTimeout(() => resolve('team-id'), 400));
      const result = resolveIdentity({ identityApi: identityApi([JANE, 'group:default/team-a']), transform, groups: { limit: 10 }, groupTimeoutMs: 500 });
      await jest.advanceTimersByTimeAsync(400);
      await expect(result).resolves.toEqual({ userId: 'jane-id', groups: [{ groupId: 'team-id', traits: {} }] });
    } finally {
      jest.useRealTimers();
    }
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
