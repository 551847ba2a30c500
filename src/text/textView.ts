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
 * A view under construction (see `decodedView`, `foldedView`): code units and their spans and depths in
 * typed arrays that grow as needed (building strings and arrays one
 * character at a time costs microseconds per character).
 */
export class ViewBuilder {
  units: Uint16Array;
  start: Int32Array;
  end: Int32Array;
  depth: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.units = new Uint16Array(capacity);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
    this.depth = new Int32Array(capacity);
  }

  push(unit: number, from: number, to: number, depth: number): void {
    if (this.length === this.units.length) this.grow();
    const i = this.length++;
    this.units[i] = unit;
    this.start[i] = from;
    this.end[i] = to;
    this.depth[i] = depth;
  }

  private grow() {
    const size = this.units.length * 2 + 16;
    const units = new Uint16Array(size);
    units.set(this.units);
    this.units = units;
    const widen = (array: Int32Array) => {
      const bigger = new Int32Array(size);
      bigger.set(array);
      return bigger;
    };
    this.start = widen(this.start);
    this.end = widen(this.end);
    this.depth = widen(this.depth);
  }

  view(): TextView {
    let text = '';
    for (let at = 0; at < this.length; at += 8192) {
      const chunk = this.units.subarray(at, Math.min(this.length, at + 8192));
      text += String.fromCharCode.apply(null, chunk as unknown as number[]);
    }
    const n = this.length;
    return { text, start: this.start.subarray(0, n), end: this.end.subarray(0, n), depth: this.depth.subarray(0, n) };
  }
}

/** A decoded byte on the decoding stack: marked by this bit above any code unit. */
const BYTE = 0x10000;

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
  // A stack of units: a code unit (or a decoded byte >= 0x80, marked BYTE), its original span and depth.
  const n = original.length;
  const code = new Int32Array(n);
  const st = new Int32Array(n);
  const en = new Int32Array(n);
  const dp = new Int32Array(n);
  let top = 0;
  for (let i = 0; i < n; i++) {
    code[top] = original.charCodeAt(i);
    st[top] = i;
    en[top] = i + 1;
    dp[top] = 0;
    top++;
    while (top >= 3 && code[top - 3] === 37) {
      if (work) work.steps++;
      const high = hexValue(code[top - 2]);
      const low = hexValue(code[top - 1]);
      if (high < 0 || low < 0) break;
      const value = high * 16 + low;
      dp[top - 3] = Math.max(dp[top - 3], dp[top - 2], dp[top - 1]) + 1;
      en[top - 3] = en[top - 1];
      code[top - 3] = value >= 0x80 ? value | BYTE : value;
      top -= 2;
    }
  }
  const out = new ViewBuilder(top);
  for (let u = 0; u < top; u++) {
    if (work) work.steps++;
    if (!(code[u] & BYTE)) {
      out.push(code[u], st[u], en[u], dp[u]);
      continue;
    }
    const length = utf8Length(code[u] & 0xff);
    let point = length ? code[u] & (0xff >> (length + 1)) : -1;
    for (let k = 1; k < length && point >= 0; k++) {
      const next = u + k < top && code[u + k] & BYTE ? code[u + k] & 0xff : -1;
      point = next >= 0x80 && next <= 0xbf ? (point << 6) | (next & 0x3f) : -1;
    }
    if (point < 0 || point > 0x10ffff) {
      out.push(0xfffd, st[u], en[u], dp[u]);
      continue;
    }
    const last = u + length - 1;
    let depth = 0;
    for (let k = u; k <= last; k++) depth = Math.max(depth, dp[k]);
    const char = String.fromCodePoint(point);
    for (let k = 0; k < char.length; k++) out.push(char.charCodeAt(k), st[u], en[last], depth);
    u = last;
  }
  return out.view();
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
