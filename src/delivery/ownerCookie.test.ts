import { createOwnerCookie, ownerCookieName } from './ownerCookie';
import { UNIDENTIFIED } from './storedOwner';

afterEach(() => {
  for (const name of document.cookie.split('; ').map(c => c.split('=')[0])) if (name) document.cookie = `${name}=; path=/; max-age=0`;
});

describe('createOwnerCookie', () => {
  it('keeps a text in a cookie of its write key, read back as written, whatever its characters', () => {
    const record = createOwnerCookie('wk.1_~', document);
    for (const value of [UNIDENTIFIED, 'user:default/jane doe; x=1', 'ü,é=%41', 'a'.repeat(256)]) {
      expect(record.write(value)).toBe(true);
      expect(record.read()).toBe(value);
    }
    expect(document.cookie.startsWith(`${ownerCookieName('wk.1_~')}=`)).toBe(true);
    expect(createOwnerCookie('wk', document).read()).toBeUndefined();
  });

  it('is written with a year to live, on the whole site (path /), SameSite=Lax, and removed when asked', () => {
    const writes: string[] = [];
    let jar = '';
    const doc = {
      get cookie() {
        return jar;
      },
      set cookie(value: string) {
        writes.push(value);
        const [pair] = value.split('; ');
        jar = value.includes('max-age=0') ? '' : pair;
      },
    };
    const record = createOwnerCookie('wk', doc);
    record.remove();
    expect(writes).toEqual([]); // nothing to remove: nothing written
    record.write('u');
    expect(writes).toEqual(['backstage-segment.wk.user=u; path=/; max-age=31536000; SameSite=Lax']);
    record.remove();
    expect(writes[1]).toBe('backstage-segment.wk.user=; path=/; max-age=0; SameSite=Lax');
    expect(record.read()).toBeUndefined();
  });

  it('tells a write the browser did not keep (cookies blocked or throwing), and never throws', () => {
    const ignoring = { cookie: '' };
    Object.defineProperty(ignoring, 'cookie', { get: () => '', set: () => {} });
    expect(createOwnerCookie('wk', ignoring).write('u')).toBe(false);
    const throwing = {} as { cookie: string };
    Object.defineProperty(throwing, 'cookie', {
      get: () => {
        throw new DOMException('sandboxed', 'SecurityError');
      },
      set: () => {
        throw new DOMException('sandboxed', 'SecurityError');
      },
    });
    const record = createOwnerCookie('wk', throwing);
    expect(record.write('u')).toBe(false);
    expect(record.read()).toBeUndefined();
    expect(() => record.remove()).not.toThrow();
  });
});
