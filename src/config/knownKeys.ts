import { Config } from '@backstage/config';

/**
 * Every key the module reads under `app.analytics.segment`, as declared in
 * `config.d.ts`; for the two blocks checked here, their keys. The other
 * blocks (`redact`, `events` and its rules, `groups`) check their own keys
 * where they are read; `extraProperties` and `eventNames` take any name.
 */
export const KNOWN_KEYS = {
  enabled: true,
  writeKey: true,
  debug: true,
  testMode: true,
  userIdTransform: true,
  userIdSalt: true,
  identityTimeoutMs: true,
  region: true,
  apiHost: true,
  cdnURL: true,
  cdnSettings: true,
  batching: ['size', 'timeoutMs'],
  maskIP: true,
  groups: true,
  extraProperties: true,
  eventNames: true,
  redact: true,
  events: true,
  allowedAttributes: true,
  allowedContexts: true,
  respectGlobalPrivacyControl: true,
  agent: ['disableClientPersistence', 'disableAutoISOConversion', 'initialPageView'],
} as const;

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), given up past `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], before[j - 2] + 1);
    }
    [before, previous] = [previous, row];
  }
  return previous[b.length];
}

/** The known name `name` was most likely meant to be: the same but for letter case, or a close spelling. */
export function closestKey(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameLetters = known.find(key => key.toLowerCase() === lower);
  if (sameLetters) return sameLetters;
  const max = Math.min(3, Math.max(2, Math.floor(name.length / 3)));
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = distance(lower, key.toLowerCase(), max);
    if (d <= max && (!best || d < best.d)) best = { key, d };
  }
  return best?.key;
}

function unknownKey(path: string, name: string, known: readonly string[]): Error {
  const guess = closestKey(name, known);
  const hint = guess ? `did you mean '${guess}'?` : `expected one of ${known.join(', ')}`;
  return new Error(`Invalid config app.analytics.segment.${path}${name}: unknown key (${hint})`);
}

/**
 * Throws an error naming the first key under `app.analytics.segment` (or
 * under its `agent` and `batching` blocks) that the module does not read,
 * with the key it most likely stands for: a misspelled option is never
 * silently off.
 *
 * @param segment - the `app.analytics.segment` block
 */
export function checkKnownKeys(segment: Config | undefined): void {
  if (!segment) return;
  const top = Object.keys(KNOWN_KEYS);
  for (const name of segment.keys()) {
    if (!Object.prototype.hasOwnProperty.call(KNOWN_KEYS, name)) throw unknownKey('', name, top);
    const nested = KNOWN_KEYS[name as keyof typeof KNOWN_KEYS];
    if (nested === true) continue;
    let block: Config | undefined;
    try {
      block = segment.getOptionalConfig(name);
    } catch {
      continue; // not an object: reported where the block is read
    }
    for (const inner of block?.keys() ?? []) {
      if (!(nested as readonly string[]).includes(inner)) throw unknownKey(`${name}.`, inner, nested);
    }
  }
}
