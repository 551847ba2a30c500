import type { StoredDecision } from './storedDecision';

// Only types from outside: this file is in the lazy chunk of the consent rules.

/**
 * What a granted session began under: the "on" period of the decision read
 * (`offAt`: see `StoredDecision.offAt`) and that decision's time
 * (`decidedAt`, ms), or, where it read none (nothing stored, the read
 * failed or was late), the wall-clock time it began (`startedAt`).
 */
export type OnPeriod = { offAt?: string; decidedAt?: number; startedAt: number };

/** A time of a stored decision in ms; undefined for none or anything that is not a time. */
const timeOf = (iso: string | undefined): number | undefined => {
  const at = Date.parse(iso ?? '');
  return Number.isNaN(at) ? undefined : at;
};

/** The period of a session begun now (`now`: the wall clock) under `stored` (undefined: no decision read). */
export function periodOf(stored: StoredDecision | undefined, now: number): OnPeriod {
  return { offAt: stored?.offAt, decidedAt: timeOf(stored?.decidedAt), startedAt: now };
}

/**
 * A "yes" read while the session of `period` is on: whether it follows a
 * "no" made after the session began (a "no" and a "yes" this page did not
 * see: frozen, in the back/forward cache, told only the latest choice),
 * and the session's period from now on. Decisions are compared by their
 * times, which every page makes later than those it knew of, so a wall
 * clock stepped since decides nothing; a session begun without a decision
 * compares the "no" with the wall-clock time it began. A "yes" of the same
 * period, with none (an older release's), or with a time that is not one,
 * tells of no missed "no".
 */
export function readDuring(period: OnPeriod, stored: StoredDecision): { missed: boolean; period: OnPeriod } {
  const offAt = timeOf(stored.offAt);
  if (offAt === undefined || stored.offAt === period.offAt) return { missed: false, period };
  const missed = offAt > (period.decidedAt ?? period.startedAt);
  const known = { ...period, offAt: stored.offAt, decidedAt: period.decidedAt ?? timeOf(stored.decidedAt) };
  return { missed, period: missed ? { ...known, decidedAt: timeOf(stored.decidedAt) } : known };
}
