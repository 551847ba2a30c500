const GROUP_REF = /^group:.+$/i;

/**
 * The `group:` refs among a user's ownership refs, each once, sorted by UTF-16
 * code unit, at most `limit`: the same selection and order as the frontend
 * module's `groups`, so both send the same groups first.
 */
export function selectGroupRefs(ownershipEntityRefs: readonly unknown[], limit: number): string[] {
  const refs = new Set(ownershipEntityRefs.filter((ref): ref is string => typeof ref === 'string' && GROUP_REF.test(ref)));
  return [...refs].sort().slice(0, limit);
}
