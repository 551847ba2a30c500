import { REDACTED } from './PrivacyConfig';
import { caselessView, isAlnumAt } from '../text/caseless';
import { Replacement, replaceInOriginal } from '../text/textView';

/** Steps taken, for tests that show the work is linear in the text's length. */
export type WorkCount = { steps: number };

/** What can stand for `@`: `@` (full-width `＠` and small `﹫` fold to it), `(at)`, `[at]`, `{at}`, `<at>` (spaced or not). */
const AT = /@| ?[([{<] ?at ?[)\]}>] ?/g;
/** `(dot)`, `[dot]`, `{dot}`, `<dot>` in a domain (spaced or not). */
const DOT_WORD = / ?[([{<] ?dot ?[)\]}>] ?/y;
/** Longest quoted local part looked back over (the standard allows 64 octets). */
const MAX_QUOTED = 256;
/** Rules out most strings before any work: nothing that is or decodes to an `@` look-alike. */
const MAY_HOLD_EMAIL = /[@\uff20\ufe6b%]|[([{<] ?at ?[)\]}>]/i;

/** ASCII symbols allowed in an unquoted local part (besides letters and digits); not `/ = ? & %`, which separate URL parts. */
const LOCAL_SYMBOLS = new Set("._+-'!#$*^`{|}~");

const isAlnum = isAlnumAt;
const isLocalChar = (s: string, i: number) => isAlnum(s, i) || LOCAL_SYMBOLS.has(s[i]);
const isLabelChar = (s: string, i: number) => i < s.length && (isAlnum(s, i) || s[i] === '-' || s[i] === '_');
const isIpLiteralChar = (c: string) => /^[0-9a-f:.]$/.test(c);

/** A top-level domain: two letters or more, or an IDN's ASCII form (`xn--p1ai`). */
const TLD = /^(?:[\p{L}\p{M}]{2,}|xn--[a-z0-9-]+)$/u;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * Where the local part before `at` starts, or -1 when there is none. An
 * unquoted one is looked for back to `bound` (the previous `@`), a quoted
 * one back to `quotedBound` at most (where the last address ended).
 */
function localStart(s: string, at: number, bound: number, quotedBound: number, work?: WorkCount): number {
  if (s[at - 1] === '"') {
    // A quoted local part: back to the opening quote (an escaped quote does not open it).
    for (let k = at - 2; k >= Math.max(quotedBound, at - MAX_QUOTED); k--) {
      if (work) work.steps++;
      if (s[k] === '"' && s[k - 1] !== '\\') return k < at - 2 ? k : -1;
    }
    return -1;
  }
  let k = at;
  while (k > bound && isLocalChar(s, k - 1)) {
    if (work) work.steps++;
    k--;
  }
  // A local part starts with a letter, digit or `_`: leading punctuation is the text's.
  while (k < at && !isAlnum(s, k) && s[k] !== '_') k++;
  return k < at ? k : -1;
}

/** Length of the dot at `k` (`.`, `。`, or a `(dot)` word), 0 when there is none. */
function dotAt(s: string, k: number): number {
  if (s[k] === '.' || s[k] === '\u3002') return 1;
  DOT_WORD.lastIndex = k;
  return DOT_WORD.test(s) ? DOT_WORD.lastIndex - k : 0;
}

/** Where the domain starting at `from` ends, or -1 when there is no domain there. */
function domainEnd(s: string, from: number, work?: WorkCount): number {
  if (s[from] === '[') {
    let k = from + 1;
    if (s.startsWith('ipv6:', k)) k += 5;
    const first = k;
    while (k < s.length && isIpLiteralChar(s[k])) {
      if (work) work.steps++;
      k++;
    }
    return k > first && s[k] === ']' ? k + 1 : -1;
  }
  let labels = 0;
  let lastStart = from;
  let lastEnd = from;
  let plain = '';
  for (let k = from; ; ) {
    const start = k;
    while (isLabelChar(s, k)) {
      if (work) work.steps++;
      k++;
    }
    if (k === start) break;
    labels++;
    lastStart = start;
    lastEnd = k;
    plain += `${labels > 1 ? '.' : ''}${s.slice(start, k)}`;
    const dot = dotAt(s, k);
    if (!dot || !isLabelChar(s, k + dot)) break;
    k += dot;
  }
  if (labels < 2) return -1;
  return TLD.test(s.slice(lastStart, lastEnd)) || IPV4.test(plain) ? lastEnd : -1;
}

/**
 * Replaces every e-mail address in `text` with the redaction mark, whole.
 *
 * @remarks
 * Matched: a local part of letters, marks and digits of any script and
 * `. _ + - ' ! # $ * ^ \` { | } ~`, or a quoted one (`"john doe"`); then `@`,
 * the full-width `＠`, the small `﹫`, or `(at)`, `[at]`, `{at}`, `<at>`;
 * then a domain of two labels or more (letters and digits of any script,
 * `-`, `_`) separated by `.`, `。`, `．` or a `(dot)` word, ending in a
 * top-level domain of two letters or more (or an IDN's `xn--` form), an
 * IPv4 address, or an address literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`).
 * Percent-encoded text is decoded first (to any depth), and full-width and
 * other compatibility forms are read as their plain letters. Not matched:
 * a domain without a dot (`root@localhost`), `/ = ? & %` in an unquoted
 * local part (they end it: `?to=jane@example.com` keeps `?to=`), ` at `
 * spelled out without brackets.
 *
 * Linear time: each `@` looks back no further than the previous one, and
 * forward over its domain only. `work`, if given, counts the steps.
 */
export function redactEmails(text: string, work?: WorkCount): string {
  if (!MAY_HOLD_EMAIL.test(text)) return text;
  const view = caselessView(text, work);
  const s = view.text;
  const replacements: Replacement[] = [];
  let bound = 0;
  AT.lastIndex = 0;
  for (let match = AT.exec(s); match; match = AT.exec(s)) {
    if (work) work.steps++;
    const at = match.index;
    const after = at + match[0].length;
    const from = localStart(s, at, bound, replacements[replacements.length - 1]?.to ?? 0, work);
    const to = from < 0 ? -1 : domainEnd(s, after, work);
    bound = after;
    if (to < 0) continue;
    const last = replacements[replacements.length - 1];
    if (last && from < last.to) last.to = Math.max(last.to, to);
    else replacements.push({ from, to, text: REDACTED });
  }
  return replaceInOriginal(text, view, replacements);
}
