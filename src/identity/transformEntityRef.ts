import { hashUserId } from './hashUserId';
import type { UserIdTransformOption } from './resolveUserId';

/**
 * Applies the configured pseudonymization to one entity ref (the user's, or
 * one of their groups): `'sha-256'` (HMAC-SHA-256 with a salt) or the app's
 * own function; without a transform, the ref itself.
 *
 * @remarks
 * Rejects when the transform fails or yields no non-empty string, so that a
 * caller never falls back to the plaintext ref. The error never carries it.
 */
export async function transformEntityRef(
  ref: string,
  transform: UserIdTransformOption | undefined,
  salt: string | undefined,
): Promise<string> {
  if (!transform) return ref;
  const id = transform === 'sha-256' ? await hashUserId(ref, salt) : await transform(ref);
  if (typeof id !== 'string' || id === '') {
    throw new Error('the userIdTransform returned no id');
  }
  return id;
}
