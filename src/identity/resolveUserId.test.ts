import { BackstageUserIdentity } from '@backstage/core-plugin-api';
import { identityAnswering } from '../__testUtils__/identityApis';
import { IdentityOptions } from './userIdOptions';
import { resolveIdentity } from './resolveIdentity';
import { MAX_USER_ID_LENGTH } from './transformEntityRef';

/** The user's Segment id, as the module resolves it (no groups asked for). */
const resolveUserId = async (options: IdentityOptions) => (await resolveIdentity(options)).userId;

const REF = 'user:default/jane';
// Verified in a shell: printf 'user:default/jane' | sha256sum
const JANE_SHA256 = '5d35f8c857d864a884bc870ad6bad7bfc242bb70015af58617522b1a7486e99d';
// Verified in a shell: printf 'user:default/jane' | openssl dgst -sha256 -hmac 'pepper-2024'
const JANE_HMAC_PEPPER = '520a82481766551734f1dd8db1246e79aa5b401d02fb10d396421b56dc21eb48';

/** A plain IdentityApi: resolves the given identity, or rejects with the given error. */
const fakeIdentityApi = (identity: BackstageUserIdentity | Error) =>
  identityAnswering(async () => {
    if (identity instanceof Error) throw identity;
    return identity;
  });

const jane = (): BackstageUserIdentity => ({ type: 'user', userEntityRef: REF, ownershipEntityRefs: [] });

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the promise to reject');
}

describe('resolveUserId', () => {
  it('without a transform, the user id is the entity ref', async () => {
    const identityApi = fakeIdentityApi(jane());
    await expect(resolveUserId({ identityApi })).resolves.toBe(REF);
    expect(identityApi.calls).toBe(1);
  });

  it('a salt alone changes nothing: it only keys the sha-256 transform', async () => {
    await expect(resolveUserId({ identityApi: fakeIdentityApi(jane()), salt: 'pepper-2024' })).resolves.toBe(REF);
  });

  it("'sha-256' gives the SHA-256 of the entity ref, 64 lowercase hex characters", async () => {
    const userId = await resolveUserId({ identityApi: fakeIdentityApi(jane()), transform: 'sha-256' });
    expect(userId).toBe(JANE_SHA256);
    expect(userId).toMatch(/^[0-9a-f]{64}$/);
  });

  it("'sha-256' with a salt gives HMAC-SHA-256 keyed by the salt", async () => {
    const userId = await resolveUserId({
      identityApi: fakeIdentityApi(jane()),
      transform: 'sha-256',
      salt: 'pepper-2024',
    });
    expect(userId).toBe(JANE_HMAC_PEPPER);
    expect(userId).not.toBe(JANE_SHA256);
  });

  it('a custom async function gets the entity ref once and its value is the user id', async () => {
    const seen: string[] = [];
    const transform = async (ref: string) => {
      seen.push(ref);
      return `pseudonym-${ref.length}`;
    };
    await expect(resolveUserId({ identityApi: fakeIdentityApi(jane()), transform })).resolves.toBe('pseudonym-17');
    expect(seen).toEqual([REF]);
  });

  it('a custom function is used as given even with a salt', async () => {
    const transform = async () => 'custom-id';
    await expect(resolveUserId({ identityApi: fakeIdentityApi(jane()), transform, salt: 'pepper' })).resolves.toBe(
      'custom-id',
    );
  });

  it('a rejecting transform rejects, and the error does not carry the plaintext ref', async () => {
    const failure = new Error('pseudonymization service unavailable');
    const error = await rejectionOf(
      resolveUserId({
        identityApi: fakeIdentityApi(jane()),
        transform: async () => {
          throw failure;
        },
      }),
    );
    expect(error.message).toMatch(/the userIdTransform failed/);
    expect(String(error)).not.toContain(REF);
    expect(String(error)).not.toContain('pseudonymization service unavailable');
  });

  it('a transform that throws synchronously still gives a rejection, not a throw', async () => {
    const transform = (() => {
      throw new Error('sync failure');
    }) as unknown as (ref: string) => Promise<string>;
    let promise: Promise<string> | undefined;
    expect(() => {
      promise = resolveUserId({ identityApi: fakeIdentityApi(jane()), transform });
    }).not.toThrow();
    await expect(promise).rejects.toThrow(/the userIdTransform failed/);
  });

  it.each<[string, unknown]>([
    ['an empty string', ''],
    ['undefined', undefined],
    ['a number', 42],
  ])('a transform resolving %s rejects without the plaintext ref', async (_label, value) => {
    const transform = (async () => value) as (ref: string) => Promise<string>;
    const error = await rejectionOf(resolveUserId({ identityApi: fakeIdentityApi(jane()), transform }));
    expect(error.message).toMatch(/userIdTransform/);
    expect(String(error)).not.toContain(REF);
  });

  it('an identity API that rejects makes it reject, without calling the transform', async () => {
    const failure = new Error('not signed in');
    const transform = jest.fn(async (ref: string) => ref);
    await expect(resolveUserId({ identityApi: fakeIdentityApi(failure), transform })).rejects.toThrow(
      /the identity API failed/,
    );
    expect(transform).not.toHaveBeenCalled();
    // Without a transform the ref is the id anyway: the identity API's own error is kept.
    await expect(resolveUserId({ identityApi: fakeIdentityApi(failure) })).rejects.toBe(failure);
  });

  it('an identity without a user entity ref rejects', async () => {
    const identityApi = fakeIdentityApi({ type: 'user', userEntityRef: '', ownershipEntityRefs: [] });
    await expect(resolveUserId({ identityApi })).rejects.toThrow(/no user entity ref/);
  });

  it.each<[string, (ref: string) => unknown]>([
    ['the ref itself', ref => ref],
    ['the ref in upper case', ref => ref.toUpperCase()],
    ['the ref with a prefix', ref => `u-${ref}`],
    ['a blank id', () => ' \t '],
    ['an id one character too long', () => 'a'.repeat(MAX_USER_ID_LENGTH + 1)],
    ['an object', () => ({ id: 'x' })],
  ])('a custom transform returning %s is refused, without the ref in the error', async (_label, make) => {
    const transform = (async (ref: string) => make(ref)) as (ref: string) => Promise<string>;
    const error = await rejectionOf(resolveUserId({ identityApi: fakeIdentityApi(jane()), transform }));
    expect(error.message.toLowerCase()).not.toContain(REF.toLowerCase());
  });

  it(`an id of ${MAX_USER_ID_LENGTH} characters, or one sharing only part of the ref, is accepted`, async () => {
    const long = 'b'.repeat(MAX_USER_ID_LENGTH);
    await expect(resolveUserId({ identityApi: fakeIdentityApi(jane()), transform: async () => long })).resolves.toBe(long);
    await expect(resolveUserId({ identityApi: fakeIdentityApi(jane()), transform: async () => 'jane' })).resolves.toBe('jane');
  });

  it('without a transform, an entity ref over the length limit is refused too', async () => {
    const ref = `user:default/${'j'.repeat(MAX_USER_ID_LENGTH)}`;
    const identityApi = fakeIdentityApi({ type: 'user', userEntityRef: ref, ownershipEntityRefs: [] });
    await expect(resolveUserId({ identityApi })).rejects.toThrow(/over 256 characters; it is refused/);
  });
});
