/** What a request body holds, counted without parsing it (see {@link bodyShape}). */
export type BodyShape = {
  /** Its objects and arrays. */
  containers: number;
  /** Its messages: the objects of its top-level arrays (a batch's), or 1 for a body of one call. */
  messages: number;
};

/**
 * Counts the objects and arrays of a JSON text, and the objects in its
 * top-level arrays, in one pass over its characters (those inside strings
 * skipped), without building anything: what a request will cost once
 * parsed is known before it is.
 *
 * @remarks
 * Pure, linear. Text that is not JSON gives some count; it is refused later.
 */
export function bodyShape(text: string): BodyShape {
  let containers = 0;
  let messages = 0;
  let depth = 0;
  let inString = false;
  /** Whether the container open at depth 2 is an array (the batch). */
  let arrayAtTwo = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      containers++;
      depth++;
      if (depth === 2) arrayAtTwo = c === 0x5b;
      else if (depth === 3 && arrayAtTwo && c === 0x7b) messages++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return { containers, messages: Math.max(1, messages) };
}
