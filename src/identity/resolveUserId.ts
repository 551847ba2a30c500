import { IdentityApi } from '@backstage/core-plugin-api';
import { resolveIdentity } from './resolveIdentity';

/**
 * How the user's entity ref becomes the Segment `userId`: `'sha-256'`
 * (HMAC-SHA-256 when a salt is configured), or a function of your own.
 * With `groups` configured, each group ref is transformed the same way.
 *
 * @public
 */
export type UserIdTransformOption = 'sha-256' | ((userEntityRef: string) => Promise<string>);

/** What identity resolution needs, decided once from options and config. */
export type IdentityOptions = {
  identityApi: IdentityApi;
  /** Undefined: the entity ref itself is the user id. */
  transform?: UserIdTransformOption;
  /** Key for HMAC-SHA-256 with the `'sha-256'` transform. */
  salt?: string;
};

/**
 * Resolves the signed-in user's Segment id: the entity ref, transformed.
 *
 * @remarks
 * Rejects when the identity or the transform fails, and when a transform
 * yields an empty value: the caller then sends events anonymously, never
 * the plaintext entity ref.
 */
export async function resolveUserId(options: IdentityOptions): Promise<string> {
  return (await resolveIdentity(options)).userId;
}
