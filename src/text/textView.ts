/**
 * A string as the privacy rules look at it, with where each of its
 * characters came from in the original string, so that a match found in the
 * view is replaced in the original.
 *
 * @remarks
 * `start` / `end` absent: the view is the original (character `i` is `[i, i + 1)`).
 */
export type TextView = {
  /** The text matched against. */
  text: string;
  /** For each character of `text`: the first original code unit it came from. */
  start?: ArrayLike<number>;
  /** For each character of `text`: one past the last original code unit it came from. */
  end?: ArrayLike<number>;
  /** For each character of `text`: how many percent-decodings produced it (0: written as is). */
  depth?: ArrayLike<number>;
};

/** Where view character `i` starts in the original. */
export const startOf = (view: TextView, i: number): number => (view.start ? view.start[i] : i);
/** Where view character `i` ends in the original. */
export const endOf = (view: TextView, i: number): number => (view.end ? view.end[i] : i + 1);
/** How many percent-decodings produced view character `i`. */
export const depthOf = (view: TextView, i: number): number => (view.depth ? view.depth[i] : 0);

const hexValue = (c: number): number => {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
};

/** Length of the UTF-8 sequence a lead byte starts, or 0 when it cannot start one. */
function utf8Length(b: number): number {
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  return b >= 0xf0 && b <= 0xf4 ? 4 : 0;
}

/**
 * The text with every percent-escape decoded, to any depth (`%2540` is `@`:
 * `%25` decodes to `%`, which with `40` decodes again), and UTF-8 byte
 * sequences (`%C3%A9`) read as characters; invalid ones become U+FFFD.
 *
 * @remarks
 * One pass over the text, each decoding shortening what is left by two
 * characters: linear time at any depth. `work`, if given, counts the steps.
 */
export function decodedView(original: string, work?: { steps: number }): TextView {
  if (!original.includes('%')) return { text: original };
  // A stack of units: a code unit (or a decoded byte >= 0x80), its original span and depth.
  const code: number[] = [];
  const byte: boolean[] = [];
  const st: number[] = [];
  const en: number[] = [];
  const dp: number[] = [];
  for (let i = 0; i < original.length; i++) {
    code.push(original.charCodeAt(i));
    byte.push(false);
    st.push(i);
    en.push(i + 1);
    dp.push(0);
    for (let n = code.length; n >= 3; n = code.length) {
      if (work) work.steps++;
      if (code[n - 3] !== 37 || byte[n - 3] || byte[n - 2] || byte[n - 1]) break;
      const high = hexValue(code[n - 2]);
      const low = hexValue(code[n - 1]);
      if (high < 0 || low < 0) break;
      const depth = Math.max(dp[n - 3], dp[n - 2], dp[n - 1]) + 1;
      const from = st[n - 3];
      const to = en[n - 1];
      code.length = byte.length = st.length = en.length = dp.length = n - 2;
      code[n - 3] = high * 16 + low;
      byte[n - 3] = code[n - 3] >= 0x80;
      st[n - 3] = from;
      en[n - 3] = to;
      dp[n - 3] = depth;
    }
  }
  let text = '';
  const start: number[] = [];
  const end: number[] = [];
  const depth: number[] = [];
  const emit = (units: string, from: number, to: number, d: number) => {
    text += units;
    for (let k = 0; k < units.length; k++) {
      start.push(from);
      end.push(to);
      depth.push(d);
    }
  };
  for (let u = 0; u < code.length; u++) {
    if (work) work.steps++;
    if (!byte[u]) {
      emit(String.fromCharCode(code[u]), st[u], en[u], dp[u]);
      continue;
    }
    const length = utf8Length(code[u]);
    let point = length ? code[u] & (0xff >> (length + 1)) : -1;
    for (let k = 1; k < length && point >= 0; k++) {
      const next = u + k < code.length && byte[u + k] ? code[u + k] : -1;
      point = next >= 0x80 && next <= 0xbf ? (point << 6) | (next & 0x3f) : -1;
    }
    if (point < 0 || point > 0x10ffff) {
      emit('\ufffd', st[u], en[u], dp[u]);
      continue;
    }
    const last = u + length - 1;
    emit(String.fromCodePoint(point), st[u], en[last], Math.max(...dp.slice(u, last + 1)));
    u = last;
  }
  return { text, start, end, depth };
}

/** Code points that fold to nothing (soft hyphen, zero-width joiners, variation selectors, ...). */
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;

/** U+0307 COMBINING DOT ABOVE: dropped after `i` and `j`, so that `İ` (`i` + U+0307 once folded) is `i`. */
const DOT_ABOVE = '\u0307';
const DOTTED_I = /([ij])\u0307/g;

/** Folded forms of non-ASCII code points seen so far (normalizing one code point costs microseconds). */
const foldedCodePoints = new Map<number, string>();
const MAX_FOLDED_CODE_POINTS = 4096;

/**
 * One code point, compatibility-decomposed (NFKD: full-width and other
 * compatibility forms become their plain letters, accented letters a letter
 * and its marks) and case-folded in full: lower, upper, then lower case
 * again, so that `ß`, `ẞ` and `SS` all give `ss`, and the dotless `ı` and
 * `I` both give `i`.
 */
function foldCodePoint(point: number): string {
  let folded = foldedCodePoints.get(point);
  if (folded === undefined) {
    const char = String.fromCodePoint(point);
    folded = IGNORABLE.test(char)
      ? ''
      : char.normalize('NFKD').toLowerCase().toUpperCase().toLowerCase().normalize('NFKD').replace(DOTTED_I, '$1');
    if (foldedCodePoints.size >= MAX_FOLDED_CODE_POINTS) foldedCodePoints.clear();
    foldedCodePoints.set(point, folded);
  }
  return folded;
}


/**
 * The view in caseless form: every code point decomposed and case-folded
 * (see {@link foldCodePoint}), default-ignorable code points removed, and
 * the dot above an `i` or `j` dropped (Turkish `İ`). Two strings that a
 * reader would call the same word in another letter case or another
 * Unicode normal form (NFC, NFD, NFKC, NFKD) give the same caseless text.
 * ASCII-only text is simply lower-cased.
 */
export function foldedView(view: TextView): TextView {
  const source = view.text;
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(source)) return { ...view, text: source.toLowerCase() };
  let text = '';
  const start: number[] = [];
  const end: number[] = [];
  const depth: number[] = [];
  let last = '';
  for (let i = 0; i < source.length; ) {
    const point = source.codePointAt(i)!;
    const width = point > 0xffff ? 2 : 1;
    let folded = point < 0x80 ? String.fromCharCode(point).toLowerCase() : foldCodePoint(point);
    if (folded.startsWith(DOT_ABOVE) && (last === 'i' || last === 'j')) folded = folded.slice(1);
    if (folded) last = folded[folded.length - 1];
    const from = startOf(view, i);
    const to = endOf(view, i + width - 1);
    const d = depthOf(view, i);
    text += folded;
    for (let k = 0; k < folded.length; k++) {
      start.push(from);
      end.push(to);
      depth.push(d);
    }
    i += width;
  }
  return { text, start, end, depth };
}

/**
 * The caseless key of a string: percent-escapes decoded (at any depth), then
 * {@link foldedView}. Two spellings of the same text (any letter case, any
 * Unicode normal form, full-width letters, percent-encoded once or more)
 * have the same key.
 */
export function caselessKey(text: string): string {
  return foldedView(decodedView(text)).text;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{M}\p{N}]$/u;

/** Whether `s[i]` is a letter, mark or digit of any script (a surrogate counts: supplementary letters are). */
export function isAlnumAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
  return (c >= 0xd800 && c <= 0xdfff) || LETTER_OR_DIGIT.test(s[i]);
}

/** A replacement of view characters `[from, to)` by `text`. */
export type Replacement = { from: number; to: number; text: string };

/**
 * Applies replacements found in `view` to the original string. They must be
 * in order and not overlap in the view; each replaces the original code
 * units its view characters came from (two that share one original
 * character are replaced together, by the first one's text).
 */
export function replaceInOriginal(original: string, view: TextView, replacements: readonly Replacement[]): string {
  if (!replacements.length) return original;
  let result = '';
  let at = 0;
  for (const { from, to, text } of replacements) {
    const start = startOf(view, from);
    const end = endOf(view, to - 1);
    if (start < at) {
      // Shares an original character with the previous one (one character folded into several): one mark for both.
      at = Math.max(at, end);
      continue;
    }
    result += original.slice(at, start) + text;
    at = end;
  }
  return result + original.slice(at);
}
