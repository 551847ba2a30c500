import { IdentityHolder, keepIdentityForPageLife, PersistentStore } from './pageLifeIdentity';

// The identity held in memory for the page's life, against a fake of the
// library's user and group and a recording store: what is given to the
// library at load, and what is written back to the browser, and when.

describe('keepIdentityForPageLife', () => {
  function fakes(stored: Record<string, unknown>) {
    const store: PersistentStore & { data: Record<string, unknown>; writes: string[] } = {
      data: { ...stored },
      writes: [],
      get: key => store.data[key] ?? null,
      getConsistent: key => store.data[key] ?? null,
      set(key, value) {
        store.writes.push(`set ${key}=${value}`);
        store.data[key] = value;
      },
      clear(key) {
        store.writes.push(`clear ${key}`);
        delete store.data[key];
      },
    };
    const memory: Record<string, string | null> = {};
    const field = (key: string) => (id?: string | null) => {
      if (id !== undefined) memory[key] = id;
      return memory[key] ?? null;
    };
    const holder: IdentityHolder = {
      storage: store,
      user: () => ({ id: field('user'), anonymousId: field('anonymous') }),
      group: () => ({ id: field('group') }),
    };
    return { store, memory, holder };
  }

  it('gives the library the stored ids at load, and writes nothing while they stay the same', () => {
    const { store, memory, holder } = fakes({ ajs_user_id: 'u1', ajs_anonymous_id: 'a1', ajs_group_id: 'g1' });
    const identity = keepIdentityForPageLife(holder);
    expect(memory).toEqual({ user: 'u1', anonymous: 'a1', group: 'g1' });
    identity.sync();
    identity.sync();
    expect(store.writes).toEqual([]);
  });

  it('a stored id longer than any user id the module sends (hand-edited, 40,000 characters) is not given to the library; its fresh one replaces it', () => {
    const { store, memory, holder } = fakes({ ajs_user_id: 'u'.repeat(257), ajs_anonymous_id: 'x'.repeat(40_000), ajs_group_id: 'g1' });
    const identity = keepIdentityForPageLife(holder);
    expect(memory).toEqual({ group: 'g1' });
    memory.anonymous = 'fresh'; // the library makes one when asked
    identity.sync();
    expect(store.data.ajs_anonymous_id).toBe('fresh');
  });

  it('on a change, writes the whole identity, and removes what was cleared', () => {
    const { store, memory, holder } = fakes({ ajs_user_id: 'u1', ajs_anonymous_id: 'a1' });
    const identity = keepIdentityForPageLife(holder);
    memory.user = null;
    memory.anonymous = 'a2';
    identity.sync();
    expect(store.writes).toEqual(['clear ajs_user_id', 'set ajs_anonymous_id=a2', 'clear ajs_group_id']);
    expect(store.data).toEqual({ ajs_anonymous_id: 'a2' });
  });

  it("a user id this page sets is written with this page's anonymous id, never paired with the one another tab stored meanwhile", () => {
    // This tab went on anonymously (its identity late: a fresh anonymous id); meanwhile another tab's user signed in.
    const { store, memory, holder } = fakes({ ajs_anonymous_id: 'a-this-tab' });
    const identity = keepIdentityForPageLife(holder);
    store.data = { ajs_user_id: 'alice', ajs_anonymous_id: 'a-alice', ajs_group_id: 'g-alice' };
    memory.user = 'guest'; // this tab's identity arrives
    identity.sync();
    expect(store.data).toEqual({ ajs_user_id: 'guest', ajs_anonymous_id: 'a-this-tab' });
  });

  it('when hidden, writes back an identity the browser no longer holds at all (site data cleared while the page was open)', () => {
    const { store, holder } = fakes({ ajs_user_id: 'u1', ajs_anonymous_id: 'a1', ajs_group_id: 'g1' });
    const identity = keepIdentityForPageLife(holder, store, key => key in store.data);
    store.data = {};
    identity.sync(); // an event: nothing changed in the page, nothing read
    expect(store.writes).toEqual([]);
    identity.syncOnHide();
    expect(store.data).toEqual({ ajs_user_id: 'u1', ajs_anonymous_id: 'a1', ajs_group_id: 'g1' });
  });

  it('when hidden, leaves an identity another tab holds, whole or in part (a sign-out there: an anonymous id, no user id)', () => {
    const { store, holder } = fakes({ ajs_user_id: 'u1', ajs_anonymous_id: 'a1' });
    const identity = keepIdentityForPageLife(holder, store, key => key in store.data);
    store.data = { ajs_anonymous_id: 'a-other' };
    identity.syncOnHide();
    store.data = { ajs_user_id: 'u2' };
    identity.syncOnHide();
    expect(store.writes).toEqual([]);
  });

  it('a user id set aside stays stored until a session starts: then a reset clears it, an identify replaces it', () => {
    const { store, memory, holder } = fakes({ ajs_user_id: 'alice', ajs_anonymous_id: 'a1' });
    const identity = keepIdentityForPageLife(holder, store, key => key in store.data);
    identity.setUserAside();
    expect(memory.user).toBeNull();
    identity.sync(); // the page is hidden or left before its session starts
    expect(store.writes).toEqual([]);
    expect(store.data.ajs_user_id).toBe('alice');
    identity.syncOnHide(); // also when the browser holds it
    expect(store.writes).toEqual([]);
    identity.endUserAside();
    memory.anonymous = 'a2'; // another user: the library's reset
    identity.sync();
    expect(store.writes).toEqual(['clear ajs_user_id', 'set ajs_anonymous_id=a2', 'clear ajs_group_id']);
    memory.user = 'bob';
    identity.sync();
    expect(store.data).toEqual({ ajs_user_id: 'bob', ajs_anonymous_id: 'a2' });
  });

  it('never writes back what another tab stored meanwhile, when this page changed nothing', () => {
    const { store, holder } = fakes({ ajs_anonymous_id: 'a1' });
    const identity = keepIdentityForPageLife(holder);
    store.data.ajs_anonymous_id = 'set-by-another-tab';
    identity.sync(); // the page is hidden
    expect(store.data.ajs_anonymous_id).toBe('set-by-another-tab');
  });
});
