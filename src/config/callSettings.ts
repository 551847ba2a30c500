import { Config } from '@backstage/config';

/** The keys of `app.analytics.segment` whose values shape what a call holds: privacy and the user id. */
const SHAPING_KEYS = ['userIdTransform', 'userIdSalt', 'redact', 'events', 'allowedAttributes', 'allowedContexts'];

/**
 * A short digest of the config values that shape what a call holds (the
 * privacy keys, the user id transform and its salt, as written; `maskIP`
 * when on). Calls a page kept for the next load are sent only by a load
 * with the same (see `madeUnder`): one with stricter privacy must not send
 * what an earlier one let through. The same values written in another
 * order count as others (those calls are not sent either). Pure; the
 * values (the salt too) are the frontend config's, which the browser has
 * anyway. A load adds the transform it runs with {@link withTransform}.
 */
export function callSettingsOf(segment: Config | undefined): string {
  const values: unknown[] = SHAPING_KEYS.map(key => segment?.getOptional(key) ?? null);
  // Only when on: the digest of a config without it stays the one earlier releases recorded.
  return digest(JSON.stringify(masksIP(segment) ? [...values, 'maskIP'] : values));
}

/** `maskIP` read as `readSegmentConfig` reads it; a value it refuses is reported there. */
function masksIP(segment: Config | undefined): boolean {
  try {
    return segment?.getOptionalBoolean('maskIP') === true;
  } catch {
    return false;
  }
}

/** The kinds of user id transform a load can run (the config's, or one given in code). */
export type TransformKind = 'none' | 'sha-256' | 'function';

/** The call settings of a load running `kind` of transform (the transform given in code wins over the config's). */
export function withTransform(callSettings: string, kind: TransformKind): string {
  return `${callSettings}.${kind}`;
}

/** 32-bit FNV-1a, in base 36: enough to tell settings apart, not a secret. */
function digest(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}
