import { cutText } from '../text/cutText';
import type { UserIdTransformOption } from './userIdOptions';

/** What {@link chooseUserIdTransform} decided. */
export type UserIdTransformChoice = {
  /** The app's transform (pseudonyms of user refs); undefined: none, the entity ref is the user id. */
  transform?: UserIdTransformOption;
  /**
   * The transform of the user's id in the browser: `transform`, or, with
   * `delivery: backend` where none is set, `'sha-256'` (the relay sets every
   * `userId` itself; the browser still needs an id per user, to start a new
   * session when another person signs in and to keep stored calls to their
   * owner, and no plaintext ref is stored by the library or sent to the relay).
   */
  userIdTransform?: UserIdTransformOption;
  /** Warnings to log once, at construction. */
  warnings: string[];
};

/**
 * Decides the user id transform from the code option and the config.
 *
 * @remarks
 * Pure. The code option wins when it is given (`undefined` means not
 * given); any other value than `'sha-256'` or a function is an error
 * naming the option, so that a mistake such as `userIdTransform: ''` can
 * never mean "send the plaintext ref". A `userIdSalt` keys the `'sha-256'`
 * transform and the digest of search terms (`redact.searchTerms: sha-256`,
 * `hashesSearchTerms`); with neither, a warning says it has no effect. With
 * `delivery: backend` (`relay`) the browser hashes with `'sha-256'` where no
 * transform is set (`userIdTransform`), so the salt has an effect
 * there too.
 *
 * @throws when the code option is invalid
 */
export function chooseUserIdTransform(
  option: unknown,
  configured: 'none' | 'sha-256',
  salt: string | undefined,
  relay = false,
  hashesSearchTerms = false,
): UserIdTransformChoice {
  if (option !== undefined && option !== 'sha-256' && typeof option !== 'function') {
    let got: string = option === null ? 'null' : typeof option;
    if (typeof option === 'string') got = `'${cutText(option, 40)}'`;
    throw new Error(
      "Invalid option userIdTransform of SegmentAnalytics.fromConfig: expected 'sha-256' or an async function " +
        `(ref: string) => Promise<string>, or undefined to use app.analytics.segment.userIdTransform (got ${got})`,
    );
  }
  const transform = (option ?? (configured === 'sha-256' ? 'sha-256' : undefined)) as UserIdTransformOption | undefined;
  const userIdTransform = relay ? transform ?? 'sha-256' : transform;
  const warnings =
    salt !== undefined && userIdTransform !== 'sha-256' && !hashesSearchTerms
      ? [
          "Segment analytics: app.analytics.segment.userIdSalt has no effect: it only keys the 'sha-256' " +
            `userIdTransform (the one in use is ${transform ? 'a function' : "'none': plaintext entity refs"}) and ` +
            "redact.searchTerms: 'sha-256' (not set)",
        ]
      : [];
  return { transform, userIdTransform, warnings };
}
