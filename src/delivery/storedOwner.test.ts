import { createOwnerCookie } from './ownerCookie';
import { createMemoryStorage, createStoredOwner, storedOwnerKey, UNIDENTIFIED } from './storedOwner';

describe('createStoredOwner', () => {
  it('records the user of each session, and forgets it for an anonymous one', () => {
    const storage = createMemoryStorage();
    const owner = createStoredOwner(storage, 'wk');
    expect(owner.get()).toBeUndefined();
    owner.set('user:default/alice');
    expect(owner.get()).toBe('user:default/alice');
    expect(storage.getItem(storedOwnerKey('wk'))).toBe('user:default/alice');
    owner.set(undefined);
    expect(owner.get()).toBeUndefined();
  });

  it('where the app identifies its users, an anonymous session is recorded as someone unidentified, whom no user id equals', () => {
    const storage = createMemoryStorage();
    const owner = createStoredOwner(storage, 'wk', { identifiesUsers: true });
    owner.set('user:default/alice');
    owner.set(undefined); // the identity was late or failed
    expect(owner.get()).toBe(UNIDENTIFIED);
    expect(['user:default/alice', 'user:default/bob', '']).not.toContain(owner.get());
    owner.set('user:default/bob');
    expect(owner.get()).toBe('user:default/bob');
  });

  it('where the storage refuses the new record (full), removes the old one rather than keep it', () => {
    const storage = createMemoryStorage();
    createStoredOwner(storage, 'wk').set('user:default/alice');
    const full = {
      ...storage,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    const owner = createStoredOwner(full, 'wk');
    expect(owner.get()).toBe('user:default/alice');
    owner.set('user:default/bob');
    expect(owner.get()).toBeUndefined();
  });

  it('where the storage refuses the record (full from the start), keeps it in a cookie until the storage takes it again', () => {
    const storage = createMemoryStorage();
    const refusing = {
      ...storage,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    const cookie = createOwnerCookie('wk', document);
    try {
      // A session whose user could not be identified: the next load, still full, knows it.
      createStoredOwner(refusing, 'wk', { identifiesUsers: true, cookie: cookie }).set(undefined);
      expect(createStoredOwner(refusing, 'wk', { identifiesUsers: true, cookie: cookie }).get()).toBe(UNIDENTIFIED);
      // Storage works again: the record is read from the cookie, then kept in the storage, the cookie removed.
      const owner = createStoredOwner(storage, 'wk', { identifiesUsers: true, cookie: cookie });
      expect(owner.get()).toBe(UNIDENTIFIED);
      owner.set('user:default/bob');
      expect(storage.getItem(storedOwnerKey('wk'))).toBe('user:default/bob');
      expect(cookie.read()).toBeUndefined();
      // An app without users: an anonymous session leaves no record anywhere.
      createStoredOwner(refusing, 'wk', { cookie: cookie }).set(undefined);
      expect(cookie.read()).toBeUndefined();
      expect(storage.getItem(storedOwnerKey('wk'))).toBeNull();
    } finally {
      cookie.remove();
    }
  });

  it('where the storage is the page\'s memory (localStorage out of reach), the record goes in the cookie too, for the next load', () => {
    const cookie = createOwnerCookie('wk', document);
    try {
      const page = createStoredOwner(createMemoryStorage(), 'wk', { identifiesUsers: true, cookie, inMemory: true });
      page.set(undefined);
      expect(page.get()).toBe(UNIDENTIFIED);
      // The next load: a new memory, the cookie.
      const next = createStoredOwner(createMemoryStorage(), 'wk', { identifiesUsers: true, cookie, inMemory: true });
      expect(next.get()).toBe(UNIDENTIFIED);
      next.set('user:default/bob');
      expect(cookie.read()).toBe('user:default/bob');
      // Where the cookie refuses it, the page still knows for its own life.
      const blocked = { read: () => undefined, write: () => false, remove: () => {} };
      const sandboxed = createStoredOwner(createMemoryStorage(), 'wk', { identifiesUsers: true, cookie: blocked, inMemory: true });
      sandboxed.set('user:default/carol');
      expect(sandboxed.get()).toBe('user:default/carol');
    } finally {
      cookie.remove();
    }
  });

  it('where the storage and the cookie both refuse the record, none is left, not an out-of-date one', () => {
    const storage = createMemoryStorage();
    const cookie = createOwnerCookie('wk', document);
    cookie.write('user:default/alice');
    const refusing = {
      ...storage,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    const blocked = { read: () => cookie.read(), write: () => false, remove: () => cookie.remove() };
    const owner = createStoredOwner(refusing, 'wk', { identifiesUsers: true, cookie: blocked });
    owner.set('user:default/bob');
    expect(owner.get()).toBeUndefined();
  });

  it('the cookie wins over localStorage (shared by the cookie domain: whoever stored it last), read as the library writes it', () => {
    const storage = createMemoryStorage();
    const owner = createStoredOwner(storage, 'wk');
    storage.setItem('ajs_user_id', JSON.stringify('user:default/alice'));
    // js-cookie escapes a space and a comma: the same id as written, not another user's.
    document.cookie = `ajs_user_id=${encodeURIComponent('Jane Doe, Platform')}; path=/`;
    try {
      expect(owner.get()).toBe('Jane Doe, Platform');
    } finally {
      document.cookie = 'ajs_user_id=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT';
    }
    expect(owner.get()).toBe('user:default/alice');
  });

  it("the user id the library stored (its cookie or localStorage) wins over the record (the public plugin used in between)", () => {
    const storage = createMemoryStorage();
    const owner = createStoredOwner(storage, 'wk');
    owner.set('user:default/guest'); // this module's last session
    storage.setItem('ajs_user_id', JSON.stringify('user:default/alice')); // the library, as the public plugin left it
    expect(owner.get()).toBe('user:default/alice');
    storage.removeItem('ajs_user_id');
    document.cookie = 'ajs_user_id=user:default/bob; path=/';
    try {
      expect(owner.get()).toBe('user:default/bob');
      document.cookie = `ajs_user_id=${JSON.stringify('user:default/carol')}; path=/`;
      expect(owner.get()).toBe('user:default/carol');
    } finally {
      document.cookie = 'ajs_user_id=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT';
    }
    expect(owner.get()).toBe('user:default/guest'); // none stored by the library: the record
  });

  it("with agent.disableCookies, a user id cookie is another site's on the cookie domain: localStorage alone says whose identity this is", () => {
    const storage = createMemoryStorage();
    const owner = createStoredOwner(storage, 'wk', { libraryCookies: false });
    owner.set('user:default/guest');
    document.cookie = 'ajs_user_id=visitor-42; path=/';
    try {
      expect(owner.get()).toBe('user:default/guest');
      storage.setItem('ajs_user_id', JSON.stringify('user:default/alice'));
      expect(owner.get()).toBe('user:default/alice');
    } finally {
      document.cookie = 'ajs_user_id=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT';
    }
  });

  it('where cookies cannot be read (a sandboxed page), the record still says whose identity it is', () => {
    const storage = createMemoryStorage();
    const owner = createStoredOwner(storage, 'wk');
    owner.set('user:default/guest');
    const cookie = jest.spyOn(document, 'cookie', 'get').mockImplementation(() => {
      throw new DOMException('sandboxed', 'SecurityError');
    });
    try {
      expect(owner.get()).toBe('user:default/guest');
    } finally {
      cookie.mockRestore();
    }
  });

  it('never throws, where reading and removing throw too', () => {
    const refusing = {
      getItem: () => {
        throw new DOMException('no', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('no', 'SecurityError');
      },
      removeItem: () => {
        throw new DOMException('no', 'SecurityError');
      },
    };
    const owner = createStoredOwner(refusing, 'wk');
    expect(owner.get()).toBeUndefined();
    expect(() => owner.set('user:default/bob')).not.toThrow();
    expect(() => owner.set(undefined)).not.toThrow();
  });
});
