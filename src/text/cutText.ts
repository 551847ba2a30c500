/**
 * The first `max` UTF-16 code units of `text`, or one fewer when the cut
 * would keep the first half of a surrogate pair: a cut string never ends in
 * half a character (which `TextEncoder` and JSON consumers turn into U+FFFD).
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
