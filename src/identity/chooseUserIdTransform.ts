import type { UserIdTransformOption } from './resolveUserId';

/** What {@link chooseUserIdTransform} decided. */
export type UserIdTransformChoice = {
  /** Undefined: no transform, the entity ref is the user id. */
  transform?: UserIdTransformOption;
  /** Warnings to log once, at construction. */
  warnings: string[];
};

const ACCEPTS = "'sha-256' or an async function (userEntityRef: string) => Promise<string>";

/** A short, safe description of what was passed (never the value of an object). */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  try {
    return `${typeof value} ${String(value)}`;
  } catch {
    return typeof value;
  }
}

/**
 * Decides the user id transform from the code option and the config.
 *
 * @remarks
 * Pure. The code option wins when it is given (`undefined` means not
 * given); any other value than `'sha-256'` or a function is an error
 * naming the option, so that a mistake such as `userIdTransform: ''` can
 * never mean "send the plaintext ref". A `userIdSalt` has an effect only
 * with `'sha-256'`: otherwise a warning says so.
 *
 * @throws when the code option is invalid
 */
export function chooseUserIdTransform(
  option: unknown,
  configured: 'none' | 'sha-256',
  salt: string | undefined,
): UserIdTransformChoice {
  if (option !== undefined && option !== 'sha-256' && typeof option !== 'function') {
    throw new Error(
      `Invalid option userIdTransform of SegmentAnalytics.fromConfig: expected ${ACCEPTS} ` +
        `(or leave it out to use app.analytics.segment.userIdTransform); got ${describe(option)}`,
    );
  }
  const transform = (option as UserIdTransformOption | undefined) ?? (configured === 'sha-256' ? 'sha-256' : undefined);
  const warnings: string[] = [];
  if (salt !== undefined && transform !== 'sha-256') {
    warnings.push(
      'Segment analytics: app.analytics.segment.userIdSalt has no effect: it only keys the ' +
        `'sha-256' userIdTransform, and the transform in use is ${
          transform ? 'a custom function' : "'none' (user ids are the plaintext entity refs)"
        }`,
    );
  }
  return { transform, warnings };
}
