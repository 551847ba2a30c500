import { decodedView, depthOf, endOf, startOf, TextView, ViewBuilder } from './textView';

/** Code points that fold to nothing (soft hyphen, zero-width joiners, variation selectors, ...). */
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;

/** U+0307 COMBINING DOT ABOVE: dropped after `i` and `j`, so that `İ` (`i` + U+0307 once folded) is `i`. */
const DOT_ABOVE = '\u0307';
const DOTTED_I = /([ij])\u0307/g;

/** Folded forms of code points seen so far, by code point (normalizing one code point costs microseconds). */
const foldedCodePoints: Array<string | undefined> = [];
/** Beyond the Basic Multilingual Plane: remembered in a map, cleared when full. */
const foldedAstral = new Map<number, string>();
const MAX_FOLDED_ASTRAL = 4096;

/**
 * One code point, compatibility-decomposed (NFKD: full-width and other
 * compatibility forms become their plain letters, accented letters a letter
 * and its marks) and case-folded in full: lower, upper, then lower case
 * again, so that `ß`, `ẞ` and `SS` all give `ss`, and the dotless `ı` and
 * `I` both give `i`.
 */
function foldCodePoint(point: number): string {
  let folded = point <= 0xffff ? foldedCodePoints[point] : foldedAstral.get(point);
  if (folded === undefined) {
    const char = String.fromCodePoint(point);
    folded = IGNORABLE.test(char)
      ? ''
      : char.normalize('NFKD').toLowerCase().toUpperCase().toLowerCase().normalize('NFKD').replace(DOTTED_I, '$1');
    if (point <= 0xffff) foldedCodePoints[point] = folded;
    else {
      if (foldedAstral.size >= MAX_FOLDED_ASTRAL) foldedAstral.clear();
      foldedAstral.set(point, folded);
    }
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
  const out = new ViewBuilder(source.length + 16);
  let last = 0;
  for (let i = 0; i < source.length; ) {
    const point = source.codePointAt(i)!;
    const width = point > 0xffff ? 2 : 1;
    const from = startOf(view, i);
    const to = endOf(view, i + width - 1);
    const d = depthOf(view, i);
    if (point < 0x80) {
      last = point >= 65 && point <= 90 ? point + 32 : point;
      out.push(last, from, to, d);
    } else {
      let folded = foldCodePoint(point);
      if (folded.startsWith(DOT_ABOVE) && (last === 105 || last === 106)) folded = folded.slice(1);
      for (let k = 0; k < folded.length; k++) out.push(folded.charCodeAt(k), from, to, d);
      if (folded) last = folded.charCodeAt(folded.length - 1);
    }
    i += width;
  }
  return out.view();
}

/**
 * The caseless key of a string: percent-escapes decoded (at any depth), then
 * {@link foldedView}. Two spellings of the same text (any letter case, any
 * Unicode normal form, full-width letters, percent-encoded once or more)
 * have the same key.
 */
export function caselessKey(text: string): string {
  return caselessView(text).text;
}

let lastCaseless: { text: string; view: TextView } | undefined;

/**
 * The caseless view of a string (percent-decoded, then {@link foldedView});
 * the last one is remembered, as the e-mail and user-ref rules look at the
 * same string one after the other.
 */
export function caselessView(text: string, work?: { steps: number }): TextView {
  if (lastCaseless?.text === text && !work) return lastCaseless.view;
  const view = foldedView(decodedView(text, work));
  lastCaseless = { text, view };
  return view;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{M}\p{N}]$/u;
/** For each code unit: 0 not looked at yet, 1 a letter, mark or digit, 2 not. */
const alnumUnits = new Uint8Array(0x10000);

/** Whether `s[i]` is a letter, mark or digit of any script (a surrogate counts: supplementary letters are). */
export function isAlnumAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
  if (c >= 0xd800 && c <= 0xdfff) return true;
  if (!alnumUnits[c]) alnumUnits[c] = LETTER_OR_DIGIT.test(s[i]) ? 1 : 2;
  return alnumUnits[c] === 1;
}

