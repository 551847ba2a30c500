import { OnPeriod, periodOf, readDuring } from './onPeriod';
import type { StoredDecision } from './storedDecision';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 12, minute)).toISOString();
const ms = (minute: number) => Date.parse(at(minute));
const yes = (decidedAt: string, offAt?: string): StoredDecision => ({ decision: 'granted', decidedAt, ...(offAt && { offAt }) });

describe('periodOf', () => {
  it('the decision read, its period and time; or none, and the time the session began', () => {
    expect(periodOf(yes(at(3), at(2)), ms(5))).toEqual({ offAt: at(2), decidedAt: ms(3), startedAt: ms(5) });
    expect(periodOf(undefined, ms(5))).toEqual({ offAt: undefined, decidedAt: undefined, startedAt: ms(5) });
    expect(periodOf({ decision: 'granted', decidedAt: 'yesterday' }, ms(5)).decidedAt).toBeUndefined();
  });
});

describe('readDuring', () => {
  const underYes: OnPeriod = { offAt: at(2), decidedAt: ms(3), startedAt: ms(30) };
  const underNone: OnPeriod = { startedAt: ms(10) };
  it.each<[string, OnPeriod, StoredDecision, boolean, Partial<OnPeriod>]>([
    ['a "no" after the session\'s decision: missed', underYes, yes(at(5), at(4)), true, { offAt: at(4), decidedAt: ms(5) }],
    ['the wall clock does not count where a decision was read', { ...underYes, startedAt: ms(50) }, yes(at(5), at(4)), true, { offAt: at(4) }],
    ['a "no" before the session\'s decision (a stale "yes"): not missed, period adopted', underYes, yes(at(6), at(1)), false, { offAt: at(1), decidedAt: ms(3) }],
    ['the same period: not missed', underYes, yes(at(6), at(2)), false, underYes],
    ['no period: not missed', underYes, yes(at(6)), false, underYes],
    ['a period that is no time: not missed', underYes, yes(at(6), 'garbage'), false, underYes],
    ['begun under no decision, a "no" after it began: missed', underNone, yes(at(12), at(11)), true, { offAt: at(11), decidedAt: ms(12) }],
    ['begun under no decision, a "no" before it began: not missed, the decision learnt', underNone, yes(at(12), at(9)), false, { offAt: at(9), decidedAt: ms(12), startedAt: ms(10) }],
  ])('%s', (_label, period, stored, missed, expected) => {
    const read = readDuring(period, stored);
    expect(read.missed).toBe(missed);
    expect(read.period).toMatchObject(expected);
  });
});
