import { MockStorageApi } from '@backstage/test-utils';
import { saveDecision, StoredRead, unsavedDecision, watchStoredDecision } from './storedDecision';

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

  it('refused for good: applies to the page, followers that come later read it too, until a stored decision replaces it', async () => {
    const storageApi = MockStorageApi.create();
    const bucket = storageApi.forBucket('segment-analytics');
    const set = bucket.set.bind(bucket);
    jest.spyOn(bucket, 'set').mockRejectedValue(full());
    await expect(saveDecision(storageApi, { decision: 'denied' })).rejects.toThrow(
      'it applies to this page until it is reloaded (QuotaExceededError: full)',
    );
    expect(unsavedDecision(storageApi)).toEqual({ decision: 'denied' });
    const later: StoredRead[] = [];
    watchStoredDecision(storageApi, read => later.push(read));
    expect(later).toEqual([{ kind: 'read', stored: { decision: 'denied' } }]);

    // Another tab (or the settings backend) stores a decision: it replaces the page's own.
    await set('consent', { decision: 'granted' });
    expect(later.at(-1)).toEqual({ kind: 'read', stored: { decision: 'granted' } });
    expect(unsavedDecision(storageApi)).toBeUndefined();
  });
});
