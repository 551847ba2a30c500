import { KeyValueStorage } from './callStore';
import { probeCookies } from './cookieProbe';
import { BrowserStorageState, isStorageFailure, probeLocalStorage, PROBE_KEY, StorageAccess } from './storageProbe';
import { storageWarning } from './storageWarning';

function mapStorage(data = new Map<string, string>()): KeyValueStorage {
  return {
    getItem: k => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: k => void data.delete(k),
  };
}

const throwing = (error: () => unknown) => () => {
  throw error();
};

describe('probeLocalStorage', () => {
  it('working storage is usable, and the probe leaves nothing behind', () => {
    const data = new Map<string, string>();
    expect(probeLocalStorage(() => mapStorage(data))).toEqual({ kind: 'usable' });
    expect(data.has(PROBE_KEY)).toBe(false);
  });

  it.each<[string, () => KeyValueStorage | undefined, StorageAccess]>([
    ['full (QuotaExceededError)', () => ({ ...mapStorage(), setItem: throwing(() => new DOMException('quota', 'QuotaExceededError')) }), { kind: 'readOnly', full: true, reason: 'QuotaExceededError: quota' }],
    ['full (Firefox)', () => ({ ...mapStorage(), setItem: throwing(() => new DOMException('quota', 'NS_ERROR_DOM_QUOTA_REACHED')) }), { kind: 'readOnly', full: true, reason: 'NS_ERROR_DOM_QUOTA_REACHED: quota' }],
    ['refusing writes only', () => ({ ...mapStorage(), setItem: throwing(() => new DOMException('no', 'SecurityError')) }), { kind: 'readOnly', full: false, reason: 'SecurityError: no' }],
    ['throwing a Symbol on write', () => ({ ...mapStorage(), setItem: throwing(() => Symbol('odd')) }), { kind: 'readOnly', full: false, reason: 'Symbol(odd)' }],
    ['throwing on read', () => ({ ...mapStorage(), getItem: throwing(() => new DOMException('denied', 'SecurityError')) }), { kind: 'unavailable', reason: 'SecurityError: denied' }],
    ['missing', () => undefined, { kind: 'unavailable', reason: 'there is no localStorage' }],
  ])('storage %s', (_label, storage, expected) => {
    expect(probeLocalStorage(storage)).toEqual(expected);
  });

  it('reaching it throws (a sandboxed page): unavailable', () => {
    expect(probeLocalStorage(throwing(() => new DOMException('sandboxed', 'SecurityError')))).toEqual({
      kind: 'unavailable',
      reason: 'SecurityError: sandboxed',
    });
  });

  it('room for a few bytes only counts as full: the library writes more than that while it loads', () => {
    const data = new Map<string, string>();
    const nearlyFull = { ...mapStorage(data), setItem: (k: string, v: string) => {
      if (v.length > 100) throw new DOMException('quota', 'QuotaExceededError');
      data.set(k, v);
    } };
    expect(probeLocalStorage(() => nearlyFull)).toMatchObject({ kind: 'readOnly', full: true });
  });
});

describe('probeCookies', () => {
  /** A document's cookies as a browser keeps them (name=value; attributes; max-age=0 removes), or ignoring every write. */
  function cookieJar(keeps: boolean) {
    const jar = new Map<string, string>([['a', '1']]);
    return {
      jar,
      get cookie() {
        return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      },
      set cookie(text: string) {
        if (!keeps) return;
        const [pair, ...attributes] = text.split('; ');
        const [name, value] = pair.split('=');
        if (attributes.includes('max-age=0')) jar.delete(name);
        else jar.set(name, value);
      },
    };
  }

  it('working cookies are usable; the probe cookie is removed again', () => {
    const doc = cookieJar(true);
    expect(probeCookies(doc)).toEqual({ kind: 'usable' });
    expect([...doc.jar.keys()]).toEqual(['a']);
  });

  it('a browser that blocks cookies for the site ignores writes without an error: unavailable, not usable', () => {
    expect(probeCookies(cookieJar(false))).toEqual({ kind: 'unavailable', reason: 'the browser keeps no cookies for this site' });
  });

  it.each<[string, { cookie: string } | undefined, StorageAccess]>([
    ['reading throws (sandboxed, opaque origin)', { get cookie(): string { throw new DOMException('denied', 'SecurityError'); }, set cookie(_v: string) {} }, { kind: 'unavailable', reason: 'SecurityError: denied' }],
    ['writing throws', { get cookie() { return ''; }, set cookie(_v: string) { throw new DOMException('no', 'SecurityError'); } }, { kind: 'readOnly', full: false, reason: 'SecurityError: no' }],
    ['no document', undefined, { kind: 'unavailable', reason: 'there is no document' }],
  ])('%s', (_label, doc, expected) => {
    expect(probeCookies(doc)).toEqual(expected);
  });
});

describe('storageWarning', () => {
  const usable: StorageAccess = { kind: 'usable' };
  const full: StorageAccess = { kind: 'readOnly', full: true, reason: 'QuotaExceededError: quota' };
  const refused: StorageAccess = { kind: 'readOnly', full: false, reason: 'SecurityError: no' };
  const gone: StorageAccess = { kind: 'unavailable', reason: 'SecurityError: denied' };

  it.each<[string, BrowserStorageState, string | undefined]>([
    ['both usable: no warning', { localStorage: usable, cookies: usable }, undefined],
    [
      'localStorage full',
      { localStorage: full, cookies: usable },
      'Segment analytics: localStorage is full (QuotaExceededError: quota); analytics keeps working from memory: events are still sent, but those not yet sent when the page is left may be lost; the anonymous id is kept in a cookie',
    ],
    [
      'localStorage refusing writes',
      { localStorage: refused, cookies: usable },
      'Segment analytics: localStorage cannot be written (SecurityError: no); analytics keeps working from memory: events are still sent, but those not yet sent when the page is left may be lost; the anonymous id is kept in a cookie',
    ],
    [
      'cookies throwing',
      { localStorage: usable, cookies: gone },
      'Segment analytics: cookies cannot be used (SecurityError: denied); analytics keeps working: the anonymous id is kept in localStorage only',
    ],
    [
      'both unavailable (a sandboxed page)',
      { localStorage: gone, cookies: gone },
      'Segment analytics: localStorage cannot be used (SecurityError: denied) and cookies cannot be used (SecurityError: denied); analytics keeps working from memory: events are still sent, but those not yet sent when the page is left may be lost, and the anonymous id does not survive a reload',
    ],
  ])('%s', (_label, state, expected) => {
    expect(storageWarning(state)).toBe(expected);
  });

  it('never says the library is blocked or the browser offline', () => {
    for (const localStorage of [usable, full, refused, gone]) {
      for (const cookies of [usable, refused, gone]) {
        expect(storageWarning({ localStorage, cookies }) ?? '').not.toMatch(/blocked|offline/);
      }
    }
  });
});

describe('isStorageFailure', () => {
  it.each<[string, unknown, boolean]>([
    ['QuotaExceededError', new DOMException('q', 'QuotaExceededError'), true],
    ['SecurityError', new DOMException('s', 'SecurityError'), true],
    ['a legacy quota code', { name: 'Error', code: 22 }, true],
    ['a failed fetch', new TypeError('Failed to fetch'), false],
    ['a Symbol', Symbol('x'), false],
    ['an object whose name getter throws', Object.defineProperty({}, 'name', { get() { throw new Error('x'); } }), false],
  ])('%s: %s', (_label, error, expected) => {
    expect(isStorageFailure(error)).toBe(expected);
  });
});
