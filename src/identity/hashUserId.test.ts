import { hashUserId } from './hashUserId';

// Node's own implementation, used only to compute expected digests independently.
const nodeCrypto: typeof import('node:crypto') = require('node:crypto');

const sha256Hex = (text: string) => nodeCrypto.createHash('sha256').update(text, 'utf8').digest('hex');
const hmacHex = (key: string, text: string) =>
  nodeCrypto.createHmac('sha256', key).update(text, 'utf8').digest('hex');

// Verified in a shell: printf 'user:default/guest' | sha256sum
const GUEST_SHA256 = '059572307fbb8223a7ab256ace3d831982d970cb46f9da62ee8b8de6706f4fd4';
// Verified in a shell: printf 'user:default/jane' | openssl dgst -sha256 -hmac 'pepper-2024'
const JANE_HMAC_PEPPER = '520a82481766551734f1dd8db1246e79aa5b401d02fb10d396421b56dc21eb48';
// RFC 4231, test case 2.
const RFC4231_CASE2 = {
  key: 'Jefe',
  data: 'what do ya want for nothing?',
  mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
};

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Runs `fn` as on a page that is not a secure context (plain http on an
 * intranet host): `crypto` exists, `crypto.subtle` does not.
 */
async function withoutWebCrypto<T>(fn: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  Object.defineProperty(globalThis, 'crypto', {
    value: { getRandomValues: nodeCrypto.webcrypto.getRandomValues.bind(nodeCrypto.webcrypto) },
    configurable: true,
    writable: true,
  });
  try {
    expect(globalThis.crypto.subtle).toBeUndefined();
    return await fn();
  } finally {
    if (original) Object.defineProperty(globalThis, 'crypto', original);
    else delete (globalThis as { crypto?: unknown }).crypto;
  }
}

describe('hashUserId', () => {
  it('has real WebCrypto in this test environment', () => {
    expect(typeof globalThis.crypto?.subtle?.digest).toBe('function');
  });

  describe('with WebCrypto', () => {
    it('SHA-256 of a known entity ref (vector from sha256sum)', async () => {
      await expect(hashUserId('user:default/guest')).resolves.toBe(GUEST_SHA256);
    });

    it.each(['user:default/jane', 'user:default/guest', 'user:acme/jöhn.o’brien', ''])(
      'SHA-256 of %j equals node:crypto createHash',
      async ref => {
        const digest = await hashUserId(ref);
        expect(digest).toMatch(HEX64);
        expect(digest).toBe(sha256Hex(ref));
      },
    );

    it('HMAC-SHA-256 with a key (vector from openssl)', async () => {
      await expect(hashUserId('user:default/jane', 'pepper-2024')).resolves.toBe(JANE_HMAC_PEPPER);
      expect(hmacHex('pepper-2024', 'user:default/jane')).toBe(JANE_HMAC_PEPPER);
    });

    it('HMAC-SHA-256: RFC 4231 test case 2', async () => {
      await expect(hashUserId(RFC4231_CASE2.data, RFC4231_CASE2.key)).resolves.toBe(RFC4231_CASE2.mac);
    });

    it('HMAC differs from the plain digest and from another key', async () => {
      const plain = await hashUserId('user:default/jane');
      const keyed = await hashUserId('user:default/jane', 'pepper-2024');
      const otherKey = await hashUserId('user:default/jane', 'salt-2025');
      expect(keyed).toMatch(HEX64);
      expect(new Set([plain, keyed, otherKey]).size).toBe(3);
      expect(otherKey).toBe(hmacHex('salt-2025', 'user:default/jane'));
    });

    it('an explicitly passed SubtleCrypto is used', async () => {
      await expect(hashUserId('user:default/guest', undefined, nodeCrypto.webcrypto.subtle as SubtleCrypto)).resolves.toBe(
        GUEST_SHA256,
      );
      await expect(
        hashUserId(RFC4231_CASE2.data, RFC4231_CASE2.key, nodeCrypto.webcrypto.subtle as SubtleCrypto),
      ).resolves.toBe(RFC4231_CASE2.mac);
    });
  });

  // Where crypto.subtle is missing (a non-secure context), @noble/hashes gives the same digests.
  describe('fallback without WebCrypto (@noble/hashes)', () => {
    it('SHA-256 of a known entity ref', async () => {
      await withoutWebCrypto(async () => {
        await expect(hashUserId('user:default/guest', undefined, undefined)).resolves.toBe(GUEST_SHA256);
        await expect(hashUserId('user:default/guest')).resolves.toBe(GUEST_SHA256);
        const ref = 'user:acme/jöhn.o’brien';
        await expect(hashUserId(ref, undefined, undefined)).resolves.toBe(sha256Hex(ref));
      });
    });

    it('HMAC-SHA-256 with a key, and RFC 4231 test case 2', async () => {
      await withoutWebCrypto(async () => {
        await expect(hashUserId('user:default/jane', 'pepper-2024', undefined)).resolves.toBe(JANE_HMAC_PEPPER);
        await expect(hashUserId(RFC4231_CASE2.data, RFC4231_CASE2.key, undefined)).resolves.toBe(
          RFC4231_CASE2.mac,
        );
      });
    });

    it('gives exactly what WebCrypto gives', async () => {
      const inputs: Array<[string, string | undefined]> = [
        ['user:default/jane', undefined],
        ['user:default/jane', 'pepper-2024'],
        ['group:default/team-a', 'k'],
      ];
      const withWebCrypto = await Promise.all(inputs.map(([text, key]) => hashUserId(text, key)));
      const withNoble = await withoutWebCrypto(() =>
        Promise.all(inputs.map(([text, key]) => hashUserId(text, key, undefined))),
      );
      expect(withNoble).toEqual(withWebCrypto);
      for (const digest of withNoble) expect(digest).toMatch(HEX64);
    });
  });
});
