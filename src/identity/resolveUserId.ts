import { IdentityApi } from '@backstage/core-plugin-api';
import { resolveIdentity } from './resolveIdentity';

export { MAX_USER_ID_LENGTH } from './transformEntityRef';

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
 * Rejects when the identity or the transform fails, and when the id is
 * refused (empty, over {@link MAX_USER_ID_LENGTH} characters, or, with a
 * transform, containing the entity ref): the caller then sends events
 * anonymously, never the plaintext entity ref. With a transform, a
 * rejection's message never carries text from the identity API or the
 * transform, which could contain the ref.
 */
export async function resolveUserId(options: IdentityOptions): Promise<string> {
  return (await resolveIdentity(options)).userId;
}
