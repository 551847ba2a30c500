import { identityAnswering } from '../__testUtils__/identityApis';
import { resolveIdentity } from './resolveIdentity';

// How long the groups' ids are waited for (groupTimeoutMs), and what a late or failing group leaves out.

const JANE = 'user:default/jane';

/** Jane, owning `ownershipEntityRefs`. */
const identityApi = (ownershipEntityRefs: string[]) =>
  identityAnswering(async () => ({ type: 'user', userEntityRef: JANE, ownershipEntityRefs }));

describe('resolveIdentity', () => {
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
});
