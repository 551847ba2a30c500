import type { StorageApi } from '@backstage/core-plugin-api';
import { decide, toPreferences } from './pageDecision';

describe('toPreferences', () => {
  it.each<[string, unknown, object | undefined]>([
    ['a plain object of booleans', { analytics: true, ads: false }, { analytics: true, ads: false }],
    ['only its boolean entries', { analytics: true, ads: 'no', n: 1, none: null }, { analytics: true }],
    ['nothing when none is boolean', { ads: 'no' }, undefined],
    ['nothing for an empty object', {}, undefined],
    ['nothing for an array', [true, false], undefined],
    ['nothing for null', null, undefined],
    ['nothing for text', 'analytics', undefined],
  ])('%s', (_label, value, expected) => {
    expect(toPreferences(value)).toEqual(expected);
  });
});

describe('decide: the time a decision is said to be made', () => {
  const NOW = '2026-12-05T12:00:00.000Z';
  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(new Date(NOW));
  });
  afterEach(() => jest.useRealTimers());

  /** A StorageApi whose snapshot tells `known` (or never knows), and whose saves answer only when `answers`. */
  function storage({ known, answers = true }: { known?: unknown; answers?: boolean }) {
    const saved: Array<{ decision: string; decidedAt: string }> = [];
    const bucket = {
      snapshot: (key: string) => (known === undefined ? { key, presence: 'unknown' } : { key, presence: 'present', value: known }),
      set: (_key: string, value: { decision: string; decidedAt: string }) => {
        saved.push(value);
        return answers ? Promise.resolve() : new Promise<void>(() => {});
      },
    };
    return { storageApi: { forBucket: () => bucket } as unknown as StorageApi, saved };
  }

  it('now, when the page knows of no decision', async () => {
    const { storageApi, saved } = storage({});
    await decide(storageApi, 'granted', undefined);
    expect(saved.map(s => s.decidedAt)).toEqual([NOW]);
  });

  it('just after a stored decision the page has not read yet, made on a clock ahead of this one', async () => {
    const { storageApi, saved } = storage({ known: { decision: 'granted', decidedAt: '2026-12-05T13:00:00.000Z' } });
    await decide(storageApi, 'denied', undefined);
    expect(saved.map(s => s.decidedAt)).toEqual(['2026-12-05T13:00:00.001Z']);
  });

  it('just after its own earlier decision, not saved yet, when the clock stepped back in between', () => {
    const { storageApi, saved } = storage({ answers: false });
    void decide(storageApi, 'granted', undefined);
    jest.setSystemTime(new Date('2026-12-05T11:00:00.000Z'));
    void decide(storageApi, 'denied', undefined);
    expect(saved.map(s => [s.decision, s.decidedAt])).toEqual([
      ['granted', NOW],
      ['denied', '2026-12-05T12:00:00.001Z'],
    ]);
  });

  it('now, when a stored decision says the latest time a date can hold (nothing is after it)', async () => {
    const { storageApi, saved } = storage({ known: { decision: 'granted', decidedAt: '+275760-09-13T00:00:00.000Z' } });
    await expect(decide(storageApi, 'denied', undefined)).resolves.toBeUndefined();
    expect(saved.map(s => s.decidedAt)).toEqual([NOW]);
  });

  it.each<[string, object | undefined, 'granted' | 'denied', string | undefined]>([
    ['a "yes" after a "no" carries the time of that "no" (every "yes" answering it, in any tab, alike)', { decision: 'denied', decidedAt: '2026-12-05T11:00:00.000Z' }, 'granted', '2026-12-05T11:00:00.000Z'],
    ['a "yes" after a "yes" is in its period', { decision: 'granted', decidedAt: '2026-12-05T11:00:00.000Z', offAt: '2026-12-05T10:00:00.000Z' }, 'granted', '2026-12-05T10:00:00.000Z'],
    ['a "yes" after a "yes" of no period has none', { decision: 'granted', decidedAt: '2026-12-05T11:00:00.000Z' }, 'granted', undefined],
    ['a first "yes" has none', undefined, 'granted', undefined],
    ['a "no" has none', { decision: 'granted', decidedAt: '2026-12-05T11:00:00.000Z', offAt: '2026-12-05T10:00:00.000Z' }, 'denied', undefined],
  ])('%s', async (_label, known, decision, offAt) => {
    const { storageApi, saved } = storage({ known });
    await decide(storageApi, decision, undefined);
    expect((saved[0] as { offAt?: string }).offAt).toBe(offAt);
  });

  it("the period of the latest decision the page knows of: its own, not an older stored one", () => {
    const { storageApi, saved } = storage({ known: { decision: 'granted', decidedAt: '2026-12-05T10:00:00.000Z' }, answers: false });
    void decide(storageApi, 'denied', undefined);
    void decide(storageApi, 'granted', undefined);
    expect(saved.map(s => [s.decision, (s as { offAt?: string }).offAt])).toEqual([
      ['denied', undefined],
      ['granted', NOW],
    ]);
  });
});
