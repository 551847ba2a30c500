import { MockStorageApi } from '@backstage/test-utils';
import { decide, saveDecision, unsavedDecision } from './pageDecision';
import { parseStoredDecision, replaces, StoredRead, watchStoredDecision } from './storedDecision';

const full = () => new DOMException('full', 'QuotaExceededError');

describe('saveDecision', () => {
  it('stores the decision, which every follower reads', async () => {
    const storageApi = MockStorageApi.create();
    const reads: StoredRead[] = [];
    watchStoredDecision(storageApi, read => reads.push(read));
    await saveDecision(storageApi, { decision: 'denied' });
    expect(reads.at(-1)).toEqual({ kind: 'read', stored: { decision: 'denied' } });
    expect(storageApi.forBucket('segment-analytics').snapshot('consent').value).toEqual({ decision: 'denied' });
    expect(unsavedDecision(storageApi)).toBeUndefined();
  });

  it('refused once: the decision applies at once, then the second try stores it (saying no may free the room)', async () => {
    const storageApi = MockStorageApi.create();
    const bucket = storageApi.forBucket('segment-analytics');
    const set = bucket.set.bind(bucket);
    jest.spyOn(bucket, 'set').mockRejectedValueOnce(full()).mockImplementation(set);
    const reads: StoredRead[] = [];
    watchStoredDecision(storageApi, read => reads.push(read));
    await saveDecision(storageApi, { decision: 'denied' });
    expect(reads).toEqual([
      { kind: 'read', stored: undefined },
      { kind: 'read', stored: { decision: 'denied' } },
      { kind: 'read', stored: { decision: 'denied' } },
    ]);
    expect(bucket.snapshot('consent').value).toEqual({ decision: 'denied' });
    expect(unsavedDecision(storageApi)).toBeUndefined();
  });

  it('refused for good: applies to the page, followers that come later read it too, until a more recent stored decision replaces it', async () => {
    const storageApi = MockStorageApi.create();
    const bucket = storageApi.forBucket('segment-analytics');
    const set = bucket.set.bind(bucket);
    jest.spyOn(bucket, 'set').mockRejectedValue(full());
    const no = { decision: 'denied' as const, decidedAt: '2026-12-03T10:00:00.000Z' };
    await expect(saveDecision(storageApi, no)).rejects.toThrow('it applies to this page until it is reloaded (QuotaExceededError: full)');
    expect(bucket.set).toHaveBeenCalledTimes(2); // a "no" is tried twice
    expect(unsavedDecision(storageApi)).toEqual(no);
    const later: StoredRead[] = [];
    watchStoredDecision(storageApi, read => later.push(read));
    expect(later).toEqual([{ kind: 'read', stored: no }]);

    // The StorageApi tells of no decision, or an older one (a settings backend out of reach): the page's own holds.
    await set('consent', { decision: 'granted', decidedAt: '2026-12-03T09:00:00.000Z' });
    await bucket.remove('consent');
    expect(later).toEqual([
      { kind: 'read', stored: no },
      { kind: 'read', stored: no },
      { kind: 'read', stored: no },
    ]);
    // Another tab stores a later decision: it replaces the page's own.
    await set('consent', { decision: 'granted', decidedAt: '2026-12-03T11:00:00.000Z' });
    expect(later.at(-1)).toEqual({ kind: 'read', stored: { decision: 'granted', decidedAt: '2026-12-03T11:00:00.000Z' } });
    expect(unsavedDecision(storageApi)).toBeUndefined();
  });

  it('applies at once, before the StorageApi answers (a save that hangs delays nothing); a "yes" refused is not tried again', async () => {
    const storageApi = MockStorageApi.create();
    const bucket = storageApi.forBucket('segment-analytics');
    const reads: StoredRead[] = [];
    watchStoredDecision(storageApi, read => reads.push(read));
    jest.spyOn(bucket, 'set').mockReturnValueOnce(new Promise<void>(() => {}));
    void saveDecision(storageApi, { decision: 'denied', decidedAt: '2026-12-03T10:00:00.000Z' });
    expect(reads.at(-1)).toMatchObject({ stored: { decision: 'denied' } });

    jest.spyOn(bucket, 'set').mockRejectedValue(full());
    await expect(saveDecision(storageApi, { decision: 'granted', decidedAt: '2026-12-03T10:01:00.000Z' })).rejects.toThrow(/applies to this page/);
    expect(bucket.set).toHaveBeenCalledTimes(2); // the hanging "no", then the "yes" once
    expect(reads.at(-1)).toMatchObject({ stored: { decision: 'granted' } });
  });

  it('a follower that throws keeps no other from following, nor the save from being tried', async () => {
    const storageApi = MockStorageApi.create();
    const reads: StoredRead[] = [];
    watchStoredDecision(storageApi, read => {
      if (read.kind === 'read' && read.stored) throw new TypeError('an app subscriber failing');
    });
    watchStoredDecision(storageApi, read => reads.push(read));
    await saveDecision(storageApi, { decision: 'denied' });
    expect(reads.at(-1)).toEqual({ kind: 'read', stored: { decision: 'denied' } });
    expect(storageApi.forBucket('segment-analytics').snapshot('consent').value).toEqual({ decision: 'denied' });
  });

  it('two StorageApi roots over one bucket follow one decision', async () => {
    const storageApi = MockStorageApi.create();
    const bucket = storageApi.forBucket('segment-analytics');
    jest.spyOn(bucket, 'set').mockRejectedValue(full());
    const otherRoot = { forBucket: () => bucket } as unknown as typeof storageApi;
    const reads: StoredRead[] = [];
    watchStoredDecision(otherRoot, read => reads.push(read));
    await expect(saveDecision(storageApi, { decision: 'denied' })).rejects.toThrow(/applies to this page/);
    expect(reads.at(-1)).toEqual({ kind: 'read', stored: { decision: 'denied' } });
  });

  it('a decision with options whose getter throws rejects; it never throws at the caller', async () => {
    const options = {
      get categoryPreferences(): unknown {
        throw new Error('hostile getter');
      },
    };
    let result: Promise<void> | undefined;
    expect(() => {
      result = decide(MockStorageApi.create(), 'denied', options);
    }).not.toThrow();
    await expect(result).rejects.toThrow('hostile getter');
    await expect(decide(MockStorageApi.create(), Symbol('x'), undefined)).rejects.toThrow("a decision is 'granted' or 'denied'");
  });
});

describe('replaces', () => {
  it("a stored decision made at the same moment as the page's own replaces it (another tab's, read back); an older one does not", () => {
    const own = { decision: 'denied' as const, decidedAt: '2026-12-05T10:00:00.000Z' };
    expect(replaces({ decision: 'granted', decidedAt: '2026-12-05T10:00:00.000Z' }, own)).toBe(true);
    expect(replaces({ decision: 'granted', decidedAt: '2026-12-05T10:00:00.001Z' }, own)).toBe(true);
    expect(replaces({ decision: 'granted', decidedAt: '2026-12-05T09:59:59.999Z' }, own)).toBe(false);
    expect(replaces(undefined, own)).toBe(false);
  });
});

describe('parseStoredDecision', () => {
  it.each<[string, unknown, object | undefined]>([
    ['a "yes" keeps its period', { decision: 'granted', decidedAt: 'd', offAt: 'p' }, { decision: 'granted', decidedAt: 'd', offAt: 'p' }],
    ['a "no" has none', { decision: 'denied', offAt: 'p' }, { decision: 'denied' }],
    ['a period that is not text is left out', { decision: 'granted', offAt: 5 }, { decision: 'granted' }],
    ['not a decision', { decision: 'maybe', offAt: 'p' }, undefined],
  ])('%s', (_label, value, expected) => {
    expect(parseStoredDecision(value)).toEqual(expected);
  });
});
