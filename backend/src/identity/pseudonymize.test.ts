import { webcrypto } from 'node:crypto';
import { derivedId, pseudonymize } from './pseudonymize';

// The frontend module's own function, so that both packages are held to one vector.
// The root package is not a workspace package of this one: read its source file directly.
// eslint-disable-next-line @typescript-eslint/no-require-imports, @backstage/no-relative-monorepo-imports
const { hashUserId } = require('../../../src/identity/hashUserId') as {
  hashUserId(text: string, key?: string, subtle?: typeof webcrypto.subtle): Promise<string>;
};

// HMAC-SHA-256(key = 'backstage-segment-salt', message = 'user:default/guest'), hex.
// Computed once, independently: `printf %s 'user:default/guest' | openssl dgst -sha256 -hmac backstage-segment-salt`.
const REF = 'user:default/guest';
const KEY = 'backstage-segment-salt';
const VECTOR = 'fed101231a47396a35a89f4dfd5b9319a6f08543bd89867434d8434ad53e270d';

describe('pseudonymize', () => {
  it('is HMAC-SHA-256 of the ref keyed with the secret, in lowercase hex', () => {
    expect(pseudonymize(REF, KEY)).toBe(VECTOR);
  });

  it("gives the frontend's sha-256 + userIdSalt id for the same ref and key (WebCrypto and @noble/hashes)", async () => {
    await expect(hashUserId(REF, KEY, webcrypto.subtle)).resolves.toBe(VECTOR);
    await expect(hashUserId(REF, KEY, undefined)).resolves.toBe(VECTOR);
  });

  it.each([
    ['group:default/team-a', 'k'],
    ['user:default/zoë', 'clé-ü'],
    ['User:Default/Alice', KEY],
  ])('agrees with the frontend on %s (UTF-8, case kept)', async (ref, key) => {
    await expect(hashUserId(ref, key, webcrypto.subtle)).resolves.toBe(pseudonymize(ref, key));
  });

  it('gives different ids for different keys, and never contains the ref', () => {
    expect(pseudonymize(REF, 'a')).not.toBe(pseudonymize(REF, 'b'));
    expect(pseudonymize(REF, KEY)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('derivedId', () => {
  it('is stable for the same parts and differs when a part moves between them', () => {
    expect(derivedId('grp-', 'ab', 'c')).toBe(derivedId('grp-', 'ab', 'c'));
    expect(derivedId('grp-', 'ab', 'c')).not.toBe(derivedId('grp-', 'a', 'bc'));
    expect(derivedId('grp-', 'x')).toMatch(/^grp-[0-9a-f]{40}$/);
  });
});
