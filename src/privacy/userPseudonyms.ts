import { transformEntityRef } from '../identity/transformEntityRef';
import type { UserIdTransformOption } from '../identity/userIdOptions';
import { canonicalUserRef, findUserRefs, OwnRef, ownRefOf } from './findUserRefs';
import { REDACTED } from './PrivacyConfig';
import { caselessKey } from '../text/caseless';
import { replaceInOriginal } from '../text/textView';

/** Pseudonyms remembered (refs and their pseudonyms, and the pseudonyms made). */
const MAX_REMEMBERED = 1024;
/** A digest as the `'sha-256'` transform makes it: a name that looks like this is already a pseudonym. */
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The timers pseudonyms are bounded by; injected so tests use fake timers. */
export type PseudonymTimers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

/** Options of {@link createUserPseudonyms}. */
export type UserPseudonymOptions = {
  /** The user id's transform: every user ref is pseudonymized with it. */
  transform: UserIdTransformOption;
  /** The `userIdSalt`, for `'sha-256'`. */
  salt?: string;
  /** Longest wait for one ref's pseudonym; past it, the ref is redacted. */
  timeoutMs: number;
  timers?: PseudonymTimers;
};

/** Adds `key` to a bounded map, dropping the oldest entry when full. */
function remember<V>(map: Map<string, V>, key: string, value: V) {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value as string);
}

/**
 * The pseudonyms of user entity refs, with a transform set: each ref's is the
 * transform of the ref (so the signed-in user's own ref is their user id),
 * worked out once, off the caller's stack, and remembered.
 *
 * @remarks
 * `rewrite` is synchronous: a ref whose pseudonym is not known yet is
 * replaced by the redaction mark and added to `missing`; `learn` works the
 * missing ones out (a caller that must not send a mark waits for it, then
 * rewrites again). A transform that fails, refuses its result (see
 * `transformEntityRef`) or takes longer than `timeoutMs` gives the
 * redaction mark: never the plaintext ref.
 */
export function createUserPseudonyms({ transform, salt, timeoutMs, timers = globalThis }: UserPseudonymOptions) {
  const known = new Map<string, string>();
  const made = new Map<string, true>();
  const working = new Map<string, Promise<void>>();
  let own: (OwnRef & { userId: string }) | undefined;
  /** Texts with no user ref in them, for the current own ref. */
  const plain = new Map<string, true>();

  const isPseudonym = (name: string) =>
    made.has(name) || name === own?.userId || (transform === 'sha-256' && SHA256_HEX.test(name));

  const work = (ref: string): Promise<void> =>
    new Promise<string>(resolve => {
      const timer = timers.setTimeout(() => resolve(REDACTED), timeoutMs);
      transformEntityRef(ref, transform, salt).then(
        id => {
          timers.clearTimeout(timer);
          resolve(id);
        },
        () => {
          timers.clearTimeout(timer);
          resolve(REDACTED);
        },
      );
    }).then(pseudonym => {
      remember(known, ref, pseudonym);
      if (pseudonym !== REDACTED) remember(made, pseudonym, true);
      working.delete(ref);
    });

  return {
    /** The signed-in user, once known: their ref (in any spelling, or without its kind) becomes `userId`. */
    setOwn(ref: string, userId: string): void {
      const keys = ownRefOf(ref);
      own = keys && { ...keys, userId };
      plain.clear();
    },
    /** Whether the signed-in user's ref is known yet. */
    get ownKnown(): boolean {
      return own !== undefined;
    },
    /** `text` with every user ref replaced by its pseudonym, or by the mark when it is not known yet (added to `missing`). */
    rewrite(text: string, missing?: Set<string>): string {
      if (plain.has(text)) return text;
      // eslint-disable-next-line no-control-regex
      if (!/[^\x00-\x7f]|%/.test(text)) {
        const lower = text.toLowerCase();
        if (!lower.includes('user') && !(own && lower.includes(own.kindless))) return text;
      }
      const { view, found } = findUserRefs(text, own, isPseudonym);
      if (!found.length) {
        if (text.length <= 2048) remember(plain, text, true);
        return text;
      }
      const replacements = found.map(({ from, to, ref, own: isOwn }) => {
        const pseudonym = isOwn && own ? own.userId : known.get(ref);
        if (pseudonym === undefined) missing?.add(ref);
        return { from, to, text: pseudonym ?? REDACTED };
      });
      return replaceInOriginal(text, view, replacements);
    },
    /** The pseudonym of `user:<namespace>/<name>` (route attributes, say), or the mark (added to `missing`). */
    ofName(namespace: string, name: string, missing?: Set<string>): string {
      if (isPseudonym(name)) return name;
      const ref = canonicalUserRef(namespace, name);
      const pseudonym = own?.key === caselessKey(ref) ? own.userId : known.get(ref);
      if (pseudonym === undefined) missing?.add(ref);
      return pseudonym ?? REDACTED;
    },
    /**
     * A route's attributes naming a user (`{ kind: 'user', namespace, name }`,
     * the kind in any case, the namespace `default` when absent) with the
     * name replaced by the ref's pseudonym; any other object as it is.
     */
    rewriteAttributes(value: Record<string, unknown>, missing?: Set<string>): Record<string, unknown> {
      const { kind, namespace, name } = value;
      if (typeof kind !== 'string' || typeof name !== 'string' || caselessKey(kind) !== 'user') return value;
      const pseudonym = this.ofName(typeof namespace === 'string' && namespace ? namespace : 'default', name, missing);
      return pseudonym === name ? value : { ...value, name: pseudonym };
    },
    /** Resolves once each of `refs` has a pseudonym (or the mark); never rejects. */
    learn(refs: Iterable<string>): Promise<void> {
      const waits: Promise<void>[] = [];
      for (const ref of refs) {
        if (known.has(ref)) continue;
        let pending = working.get(ref);
        if (!pending) {
          pending = work(ref);
          working.set(ref, pending);
        }
        waits.push(pending);
      }
      return Promise.all(waits).then(() => undefined);
    },
  };
}

/** What {@link createUserPseudonyms} returns. */
export type UserPseudonyms = ReturnType<typeof createUserPseudonyms>;
