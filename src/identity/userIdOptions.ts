import { IdentityApi } from '@backstage/core-plugin-api';

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
