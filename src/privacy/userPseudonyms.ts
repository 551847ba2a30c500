import { isSha256Digest } from '../identity/hashUserId';
import { transformEntityRef } from '../identity/transformEntityRef';
import type { UserIdTransformOption } from '../identity/userIdOptions';
import { canonicalUserRef, FoundRef, findUserRefs, OwnRef, ownRefOf } from './findUserRefs';
import { REDACTED } from './PrivacyConfig';
import { redactBase64Values } from './base64Values';
import type { Timers } from '../time/scheduler';
import { caselessKey } from '../text/caseless';
import { replaceInOriginal } from '../text/textView';

/**
 * Pseudonyms remembered (refs and their pseudonyms, and the pseudonyms made), the least recently learned
 * forgotten first: more than the new users a burst of calls can name while their pseudonyms are worked out.
 */
export const MAX_REMEMBERED = 8192;

/** Options of {@link createUserPseudonyms}. */
export type UserPseudonymOptions = {
  /** The user id's transform: every user ref is pseudonymized with it. */
  transform: UserIdTransformOption;
  /** The `userIdSalt`, for `'sha-256'`. */
  salt?: string;
  /** Longest wait for one ref's pseudonym; past it, the ref is redacted. */
  timeoutMs: number;
  timers?: Timers;
};

/** The path of a page's location (a URL or a path): without its scheme, host, query and fragment. */
function pathOf(location: string): string {
  const rest = location.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const end = rest.search(/[?#]/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Texts remembered as naming no user, and titles of users' pages: a page's life meets few of them. */
const MAX_REMEMBERED_TEXTS = 1024;

/** Adds `key` to a map of at most `max` entries, dropping the oldest entry when full. */
function remember<V>(map: Map<string, V>, key: string, value: V, max = MAX_REMEMBERED) {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as string);
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
  /** The signed-in user: their ref's keys, and their id once known (while `pending`, refs to them wait for it). */
  let own: (OwnRef & { userId?: string; pending?: Promise<unknown> }) | undefined;
  /** Titles user pages set (their page part names the user), and whose: where else they show, they are replaced too. */
  const userPageTitles = new Map<string, { ref: string; own: boolean }>();
  /** Texts with no user ref in them, for the current own ref. */
  const plain = new Map<string, true>();

  const isPseudonym = (name: string) =>
    made.has(name) || name === own?.userId || (transform === 'sha-256' && isSha256Digest(name));

  /** False when `text` cannot hold a user ref (plain ASCII, nothing encoded, no `user` nor the own ref without its kind). */
  const mayHoldRef = (text: string) => {
    // eslint-disable-next-line no-control-regex
    if (/[^\x00-\x7f]|%/.test(text)) return true;
    const lower = text.toLowerCase();
    // The own ref without its kind, its slash escaped too (as some JSON writers do).
    return lower.includes('user') || (!!own && (lower.includes(own.kindless) || lower.includes(own.kindless.replace('/', '\\/'))));
  };
  /** The pseudonym of a ref (the own one: the user id), or the mark when it is not known yet (the ref is added to `missing`). */
  const pseudonymFor = (ref: string, isOwn: boolean, missing?: Set<string>): string => {
    const key = isOwn && own ? own.key : ref;
    const pseudonym = isOwn && own ? own.userId : known.get(ref);
    if (pseudonym === undefined) missing?.add(key);
    return pseudonym ?? REDACTED;
  };
  const pseudonymOf = (found: FoundRef, missing?: Set<string>) => pseudonymFor(found.ref, found.own, missing);

  /** `id`, or the mark when it fails or takes longer than `timeoutMs`. */
  const bounded = (id: Promise<string>): Promise<string> =>
    new Promise<string>(resolve => {
      const timer = timers.setTimeout(() => resolve(REDACTED), timeoutMs);
      const settle = (value: string) => {
        timers.clearTimeout(timer);
        resolve(value);
      };
      id.then(settle, () => settle(REDACTED));
    });

  /** The user a location's path names (their entity page, its tabs), if any. */
  const userAt = (location: string): FoundRef | undefined => {
    const path = pathOf(location);
    return mayHoldRef(path) ? findUserRefs(path, own, isPseudonym).found[0] : undefined;
  };

  const work = (ref: string): Promise<void> =>
    bounded(transformEntityRef(ref, transform, salt)).then(pseudonym => {
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
    /**
     * The signed-in user's ref, read before their id is worked out: their ref
     * (in any spelling, or without its kind) waits for `userId`, as other
     * refs wait for their pseudonyms; the mark if it fails or takes longer
     * than `timeoutMs` (a late id still replaces the mark). Never the ref.
     */
    expectOwn(ref: string, userId: Promise<string>): void {
      const keys = ownRefOf(ref);
      const mine = () => !!keys && own?.key === keys.key;
      const pending = bounded(userId).then(id => {
        if (mine() && own!.userId === undefined) own = { ...keys!, userId: id };
      });
      own = keys && { ...keys, pending };
      plain.clear();
      userId.then(
        id => {
          if (mine()) own = { ...keys!, userId: id };
        },
        () => {},
      );
    },
    /** Whether the signed-in user's ref is known yet. */
    get ownKnown(): boolean {
      return own !== undefined;
    },
    /** `text` with every user ref replaced by its pseudonym, or by the mark when it is not known yet (added to `missing`). */
    rewrite(text: string, missing?: Set<string>): string {
      if (plain.has(text)) return text;
      // A ref in a base64 value (the catalog's `cursor`) goes with its value.
      const unpacked = redactBase64Values(text, decoded => mayHoldRef(decoded) && findUserRefs(decoded, own, isPseudonym).found.length > 0);
      const { view, found } = mayHoldRef(unpacked) ? findUserRefs(unpacked, own, isPseudonym) : { view: undefined, found: [] };
      if (!view || !found.length) {
        if (unpacked === text && text.length <= 2048) remember(plain, text, true, MAX_REMEMBERED_TEXTS);
        return unpacked;
      }
      const replacements = found.map(ref => ({ from: ref.from, to: ref.to, text: pseudonymOf(ref, missing) }));
      return replaceInOriginal(unpacked, view, replacements);
    },
    /** The pseudonym of `user:<namespace>/<name>` (route attributes, say), or the mark (added to `missing`). */
    ofName(namespace: string, name: string, missing?: Set<string>): string {
      if (isPseudonym(name)) return name;
      const ref = canonicalUserRef(namespace, name);
      return pseudonymFor(ref, own?.key === caselessKey(ref), missing);
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
    /**
     * The title of the page at `location` (a URL or a path). On a user's page
     * (their entity page, its tabs) it names them (the catalog's name or
     * display name, which no rule could find): its page part, before its last
     * ` | ` (the app's title), becomes their pseudonym. `setThere`: that page
     * set this title (not one left by the page before): it is then replaced
     * wherever it shows (also one it passed through while loading: events
     * captured while it showed may be prepared later). Any other title as
     * it is.
     */
    titleAt(location: string, title: string, missing?: Set<string>, setThere = false): string {
      const first = userAt(location);
      if (first && setThere) remember(userPageTitles, title, { ref: first.ref, own: first.own }, MAX_REMEMBERED_TEXTS);
      // Else a title a user's page set, still shown on the next page (it set none, or not yet).
      const named = first ?? userPageTitles.get(title);
      if (!named) return title;
      const cut = title.lastIndexOf(' | ');
      return pseudonymFor(named.ref, named.own, missing) + (cut < 0 ? '' : title.slice(cut));
    },
    /**
     * An object as sent with the user refs it holds by structure replaced: a
     * page (`title` with a `path` or `url`) on a user's page titled as
     * {@link UserPseudonyms.titleAt} says; a click's (or a search result's
     * `discover`) properties whose link (`attributes.to`) is a user's page
     * with its subject (the link's text, the result's title) that user's
     * pseudonym; route attributes naming a user as
     * `rewriteAttributes` says. Its strings are left to `rewrite`.
     */
    rewriteObject(value: Record<string, unknown>, missing?: Set<string>): Record<string, unknown> {
      const { title, path, url, action, subject, attributes } = value;
      let location: unknown = path;
      if (typeof location !== 'string') location = url;
      let out = value;
      if (typeof title === 'string' && typeof location === 'string') {
        const titled = this.titleAt(location, title, missing);
        if (titled !== title) out = { ...out, title: titled };
      }
      // A click on a link to a user's page: its subject, the link's text, names them ("User page for Jane Doe"); so
      // does a search result's title (`discover`, Backstage search's click on a result).
      const to = attributes && typeof attributes === 'object' ? (attributes as { to?: unknown }).to : undefined;
      const followed = action === 'click' || action === 'discover';
      const linked = followed && typeof subject === 'string' && typeof to === 'string' ? userAt(to) : undefined;
      if (linked) out = { ...out, subject: pseudonymOf(linked, missing) };
      return this.rewriteAttributes(out, missing);
    },
    /** Resolves once each of `refs` has a pseudonym (or the mark); never rejects. */
    learn(refs: Iterable<string>): Promise<void> {
      const waits: Promise<void>[] = [];
      for (const ref of refs) {
        if (ref === own?.key) {
          if (own.userId === undefined && own.pending) waits.push(own.pending.then(() => undefined));
          continue;
        }
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
