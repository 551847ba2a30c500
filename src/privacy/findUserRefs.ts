import { caselessKey, caselessView, isAlnumAt } from '../text/caseless';
import { decodedView, endOf, startOf, TextView } from '../text/textView';

/** The signed-in user's entity ref, as text is matched against it: caseless keys. */
export type OwnRef = {
  /** Of the whole ref, `user:<namespace>/<name>`. */
  key: string;
  /** Of `<namespace>/<name>`: the ref without its kind. */
  kindless: string;
};

/** A user entity ref found in a text: view characters `[from, to)` are replaced by its pseudonym. */
export type FoundRef = {
  from: number;
  to: number;
  /** The ref as Backstage writes it (`user:<namespace>/<name>`, lower case): what the transform gets. */
  ref: string;
  /** Whether it is the signed-in user's own ref (its pseudonym is their user id). */
  own: boolean;
};

const DEFAULT_NAMESPACE = 'default';
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/** A character of an entity name or namespace: a letter, mark or digit of any script, `.`, `-`, `_`. */
const isNameChar = (s: string, i: number) => i >= 0 && i < s.length && (isAlnumAt(s, i) || s[i] === '.' || s[i] === '-' || s[i] === '_');

/** End of the name that starts at `from`: a run of name characters without the `.` or `-` that ends a sentence. */
function nameEnd(s: string, from: number): number {
  let end = from;
  while (isNameChar(s, end)) end++;
  while (end > from && (s[end - 1] === '.' || s[end - 1] === '-')) end--;
  return end;
}

/**
 * A part of a ref as Backstage writes it (`stringifyEntityRef` lower-cases
 * it), from its original spelling: decoded, compatibility forms made plain
 * (NFKC), ignorable code points removed, lower case.
 */
function canonicalPart(original: string): string {
  return decodedView(original).text.normalize('NFKC').replace(IGNORABLE, '').toLowerCase();
}

/** `user:<namespace>/<name>` as Backstage writes it, from the parts in any spelling. */
export function canonicalUserRef(namespace: string, name: string): string {
  return `user:${canonicalPart(namespace)}/${canonicalPart(name)}`;
}

/**
 * The caseless keys of the signed-in user's ref (spaces around it left out;
 * without a kind it is a user's, as the identity's ref always is); undefined
 * when it is a ref of another kind, or has no name.
 */
export function ownRefOf(ref: string): OwnRef | undefined {
  const whole = ref.trim();
  const match = /^([^:]+):(?:([^/]*)\/)?(.+)$/.exec(whole.includes(':') ? whole : `user:${whole}`);
  if (!match || caselessKey(match[1]) !== 'user') return undefined;
  const kindless = caselessKey(`${match[2] || DEFAULT_NAMESPACE}/${match[3]}`);
  return { key: `user:${kindless}`, kindless };
}

/**
 * Finds the user entity refs in `text`, in every spelling: any letter case
 * or Unicode form, percent-encoded once or more, as
 *
 * - `user:<namespace>/<name>` or the short `user:<name>` (namespace `default`);
 * - the catalog's entity page path, `catalog/<namespace>/user/<name>`: only
 *   the name is replaced, so the path stays a user entity page's;
 * - the signed-in user's own `<namespace>/<name>`, without its kind (not
 *   after another kind: `group:default/jane` is a group's).
 *
 * A name that `isPseudonym` says is already a pseudonym is left as is, so
 * that pseudonymizing twice gives what pseudonymizing once gave.
 *
 * @remarks
 * Pure, linear time. Found refs are in order and do not overlap.
 */
export function findUserRefs(
  text: string,
  own: OwnRef | undefined,
  isPseudonym: (name: string) => boolean,
): { view: TextView; found: FoundRef[] } {
  const view = caselessView(text);
  const s = view.text;
  const found: FoundRef[] = [];
  const originalOf = (from: number, to: number) => text.slice(startOf(view, from), endOf(view, to - 1));
  let segmentEnds: Int32Array | undefined;
  const add = (from: number, to: number, ns: string, nameFrom: number) => {
    const name = originalOf(nameFrom, to);
    // Already a pseudonym: the name, or the whole segment it starts (an id of the app's own may hold `:` or `@`).
    if (isPseudonym(decodedView(name).text)) return;
    segmentEnds ??= segmentEndsOf(s);
    if (isPseudonym(decodedView(originalOf(nameFrom, segmentEnds[to] ?? s.length)).text)) return;
    const ref = `user:${ns}/${canonicalPart(name)}`;
    found.push({ from, to, ref, own: own?.key === caselessKey(ref) });
  };

  for (let at = s.indexOf('user:'); at >= 0; at = s.indexOf('user:', at + 5)) {
    if (isNameChar(s, at - 1)) continue;
    const first = at + 5;
    const firstEnd = nameEnd(s, first);
    // `user:<namespace>/<name>`, the slash doubled or escaped (`\/`, as some JSON writers do) too.
    const nameStart = firstEnd === runEnd(s, first) ? separatorEnd(s, firstEnd) : firstEnd;
    const secondEnd = nameStart > firstEnd ? nameEnd(s, nameStart) : -1;
    if (secondEnd > nameStart) add(at, secondEnd, canonicalPart(originalOf(first, firstEnd)), nameStart);
    else if (firstEnd > first) add(at, firstEnd, DEFAULT_NAMESPACE, first);
  }

  let bound = 0;
  // From the last slash of each match: it may be the first of the next (`catalog/user/user/<name>`: namespace `user`).
  for (let at = s.indexOf('/user/'); at >= 0; at = s.indexOf('/user/', at + 5)) {
    // `catalog/<namespace>/user/<name>`, slashes doubled anywhere.
    const nsEnd = slashesStart(s, at);
    let nsStart = nsEnd;
    while (nsStart > bound && isNameChar(s, nsStart - 1)) nsStart--;
    bound = at + 1;
    const routeEnd = slashesStart(s, nsStart);
    if (nsStart === nsEnd || routeEnd === nsStart || !isCatalogRoute(s, routeEnd)) continue;
    const nameStart = separatorEnd(s, at + 5);
    const end = nameEnd(s, nameStart);
    if (end > nameStart) add(nameStart, end, canonicalPart(originalOf(nsStart, nsEnd)), nameStart);
  }

  // The own ref without its kind, its slash escaped too (`\/`, as some JSON writers do).
  for (const kindless of own?.kindless ? [own.kindless, own.kindless.replace('/', '\\/')] : []) {
    const length = kindless.length;
    for (let at = s.indexOf(kindless); at >= 0; at = s.indexOf(kindless, at + length)) {
      const end = at + length;
      // Not after another kind (`group:`), but after one ending in `user` (`ownerUser:`, a user's all the same).
      const afterKind = s[at - 1] === ':' && !s.startsWith('user', at - 5);
      if (isNameChar(s, at - 1) || afterKind || nameEnd(s, end) !== end) continue;
      found.push({ from: at, to: end, ref: own!.key, own: true });
    }
  }

  found.sort((a, b) => a.from - b.from || b.to - a.to);
  const kept: FoundRef[] = [];
  for (const ref of found) if (!kept.length || ref.from >= kept[kept.length - 1].to) kept.push(ref);
  return { view, found: kept };
}

/** End of the run of separators from `from`: `/`, also escaped as `\/`; `from` when there is none. */
function separatorEnd(s: string, from: number): number {
  let end = from;
  for (;;) {
    if (s[end] === '/') end++;
    else if (s[end] === '\\' && s[end + 1] === '/') end += 2;
    else return end;
  }
}

/**
 * For each position, the end of the path segment or word that goes on there:
 * the next separator, quote or white space, or the end. One pass, so that
 * any number of refs in a text costs linear time.
 */
function segmentEndsOf(s: string): Int32Array {
  const ends = new Int32Array(s.length);
  let end = s.length;
  for (let i = s.length - 1; i >= 0; i--) {
    if (/[\s/?#&"'<>,;|()[\]{}]/.test(s[i])) end = i;
    ends[i] = end;
  }
  return ends;
}

/** Start of the run of `/` that ends at `to` (exclusive); `to` when there is none. */
function slashesStart(s: string, to: number): number {
  let start = to;
  while (start > 0 && s[start - 1] === '/') start--;
  return start;
}

/**
 * Whether the catalog's route (`catalog`, a whole word) ends at `end`. Not
 * TechDocs' `docs/<namespace>/<kind>/<name>`: `docs/v1/user/create` is an
 * API's documentation far more often than a user's.
 */
function isCatalogRoute(s: string, end: number): boolean {
  const start = end - 'catalog'.length;
  return start >= 0 && s.startsWith('catalog', start) && !isNameChar(s, start - 1);
}

/** End of the run of name characters from `from`, trailing `.` and `-` included. */
function runEnd(s: string, from: number): number {
  let end = from;
  while (isNameChar(s, end)) end++;
  return end;
}
