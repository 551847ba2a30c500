const GROUP_REF = /^group:.+$/i;

/**
 * The group entity refs among an identity's ownership refs, in a stable
 * order: only `group:` refs, each once, sorted by code unit (so the same
 * groups give the same calls in every browser and locale), at most `limit`.
 *
 * @remarks
 * Pure. Anything that is not a non-empty `group:` string (users, other kinds,
 * hostile values from a custom identity API) is skipped.
 */
export function selectGroupRefs(ownershipEntityRefs: unknown, limit: number): string[] {
  if (!Array.isArray(ownershipEntityRefs)) return [];
  const refs = new Set<string>();
  for (const ref of ownershipEntityRefs) {
    if (typeof ref === 'string' && GROUP_REF.test(ref)) refs.add(ref);
  }
  // The default sort compares UTF-16 code units: the same order everywhere.
  return [...refs].sort().slice(0, Math.max(0, limit));
}

/** The name part of an entity ref: `team-a` for `group:default/team-a`. */
export function entityName(ref: string): string {
  const afterKind = ref.slice(ref.indexOf(':') + 1);
  return afterKind.slice(afterKind.lastIndexOf('/') + 1);
}
