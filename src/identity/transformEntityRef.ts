import { caselessKey } from '../text/caseless';
import { hashUserId } from './hashUserId';
import type { UserIdTransformOption } from './userIdOptions';

/**
 * Longest id sent, in characters. Real ids are far shorter (a SHA-256
 * digest is 64, a UUID 36, an entity ref rarely over 100); an id that long
 * is a bug, and would make every message of the user fail at Segment.
 */
export const MAX_USER_ID_LENGTH = 256;

/**
 * Whether `id` contains `ref` (spaces around it left out), or its
 * `<namespace>/<name>` without the kind (namespace `default` for a short
 * `kind:name` ref, as Backstage reads one), in any spelling: compared
 * caseless (full Unicode case folding, any normal form, full-width letters,
 * `İ`/`ı` and `i`, `ß` and `ss`), percent-escapes decoded (once or more).
 */
export function containsRef(id: string, ref: string): boolean {
  const key = caselessKey(id);
  const whole = ref.trim();
  const colon = whole.indexOf(':');
  const rest = colon > 0 ? whole.slice(colon + 1) : '';
  const kindless = rest ? caselessKey(rest.includes('/') ? rest : `default/${rest}`) : '';
  return key.includes(caselessKey(whole)) || (kindless !== '' && key.includes(kindless));
}

/**
 * Checks an id before it is used: a non-blank string of at most
 * {@link MAX_USER_ID_LENGTH} characters, which with a transform does not
 * contain the entity ref in any spelling (see {@link containsRef}).
 * Messages never quote the id or the ref.
 */
function checkId(id: unknown, ref: string, transformed: boolean): string {
  let why = '';
  if (typeof id !== 'string' || !id.trim()) why = 'is empty or not a string';
  else if (id.length > MAX_USER_ID_LENGTH) why = `is over ${MAX_USER_ID_LENGTH} characters`;
  else if (transformed && containsRef(id, ref)) why = 'contains the plaintext entity ref';
  if (why) throw new Error(`the id${transformed ? ' from the userIdTransform' : ''} ${why}; it is refused`);
  return id as string;
}

/** Refs whose ids {@link oncePerRef} remembers, the one asked for least recently forgotten first. */
export const MAX_REMEMBERED_IDS = 8192;

/**
 * The app's own transform, called once per ref however often a page load
 * asks (the user's identity and the privacy step both meet the user's ref):
 * a function whose answer changes from call to call still gives one id per
 * user. Other options as they are.
 */
export function oncePerRef<T extends UserIdTransformOption | undefined>(transform: T): T {
  if (typeof transform !== 'function') return transform;
  const ids = new Map<string, Promise<string>>();
  const once = (ref: string) => {
    let id = ids.get(ref);
    // The last refs asked for are kept: one asked for again moves to the end.
    ids.delete(ref);
    if (!id) {
      if (ids.size >= MAX_REMEMBERED_IDS) ids.delete(ids.keys().next().value as string);
      id = Promise.resolve().then(() => transform(ref));
    }
    ids.set(ref, id);
    return id;
  };
  return once as T;
}

/**
 * An error standing in for one whose text is withheld: with a transform, the
 * identity API's or the transform's message may quote the entity ref.
 */
export const withheld = (what: string) =>
  new Error(`${what} failed (its message is withheld, as it may contain the user's entity ref)`);

/**
 * Applies the configured pseudonymization to one entity ref (the user's, or
 * one of their groups): `'sha-256'` (HMAC-SHA-256 with a salt) or the app's
 * own function; without a transform, the ref itself.
 *
 * @remarks
 * Rejects when the transform fails, or when the id is refused (empty, over
 * {@link MAX_USER_ID_LENGTH} characters, or, with a transform, containing the
 * ref), so that a caller never falls back to the plaintext ref. The error
 * never carries the ref or the transform's own message.
 */
export async function transformEntityRef(
  ref: string,
  transform: UserIdTransformOption | undefined,
  salt: string | undefined,
): Promise<string> {
  if (!transform) return checkId(ref, ref, false);
  let id: unknown;
  try {
    id = transform === 'sha-256' ? await hashUserId(ref, salt) : await transform(ref);
  } catch {
    throw withheld('the userIdTransform');
  }
  return checkId(id, ref, true);
}
