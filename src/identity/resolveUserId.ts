import { IdentityApi } from '@backstage/core-plugin-api';
import { hashUserId } from './hashUserId';

/**
 * How the user's entity ref becomes the Segment `userId`: `'sha-256'`
 * (HMAC-SHA-256 when a salt is configured), or a function of your own.
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
 * Longest user id sent, in characters. Real ids are far shorter (a SHA-256
 * digest is 64, a UUID 36, an entity ref rarely over 100); an id that long
 * is a bug, and would make every message of the user fail at Segment.
 */
export const MAX_USER_ID_LENGTH = 256;

/**
 * Checks an id before it is used: a non-blank string of at most
 * {@link MAX_USER_ID_LENGTH} characters, which with a transform does not
 * contain the entity ref in any letter case. Messages never quote the id or
 * the ref.
 */
function checkUserId(userId: unknown, ref: string, transformed: boolean): string {
  let why = '';
  if (typeof userId !== 'string' || !userId.trim()) why = 'is empty or not a string';
  else if (userId.length > MAX_USER_ID_LENGTH) why = `is over ${MAX_USER_ID_LENGTH} characters`;
  else if (transformed && userId.toLowerCase().includes(ref.toLowerCase())) why = 'contains the plaintext entity ref';
  if (why) throw new Error(`the user id${transformed ? ' from the userIdTransform' : ''} ${why}; it is refused`);
  return userId as string;
}

/** With a transform, the identity API's or the transform's error text is withheld: it may quote the ref. */
const withheld = (what: string) =>
  new Error(`${what} failed (its message is withheld, as it may contain the user's entity ref)`);

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
export async function resolveUserId({ identityApi, transform, salt }: IdentityOptions): Promise<string> {
  let userEntityRef: string;
  try {
    ({ userEntityRef } = await identityApi.getBackstageIdentity());
  } catch (error) {
    if (transform) throw withheld('the identity API');
    throw error;
  }
  if (typeof userEntityRef !== 'string' || !userEntityRef) {
    throw new Error('the identity API returned no user entity ref');
  }
  if (!transform) return checkUserId(userEntityRef, userEntityRef, false);
  let userId: unknown;
  try {
    userId = transform === 'sha-256' ? await hashUserId(userEntityRef, salt) : await transform(userEntityRef);
  } catch {
    throw withheld('the userIdTransform');
  }
  return checkUserId(userId, userEntityRef, true);
}
