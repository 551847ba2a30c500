import { Context } from '@segment/analytics-next';
import type { PersistedPriorityQueue as PersistedQueue } from '@segment/analytics-next/dist/types/lib/priority-queue/persisted';
import { releaseStaleLibraryLocks } from './staleLibraryLocks';

// The library's own persisted queue (not exported by its entry point; its types are published beside it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PersistedPriorityQueue } = require('@segment/analytics-next/dist/pkg/lib/priority-queue/persisted') as {
  PersistedPriorityQueue: typeof PersistedQueue;
};

const NOW = 1_700_000_000_000;

describe('releaseStaleLibraryLocks', () => {
  afterEach(() => localStorage.clear());

  it("removes this write key's queue locks further ahead than a lock lasts (or not a time), and nothing else", () => {
    const entries: Record<string, string> = {
      'persisted-queue:v1:wk:dest-Segment.io:lock': String(NOW + 3_600_000),
      'persisted-queue:v1:wk:event-queue:lock': 'not a time',
      // Another tab's lock, held right now: kept.
      'persisted-queue:v1:wk:other-queue:lock': String(NOW + 50),
      'persisted-queue:v1:wk:old-queue:lock': String(NOW - 10_000),
      'persisted-queue:v1:another-key:dest-Segment.io:lock': String(NOW + 3_600_000),
      'persisted-queue:v1:wk:dest-Segment.io:items': '[]',
    };
    for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value);
    releaseStaleLibraryLocks(localStorage, 'wk', NOW);
    expect(Object.keys(localStorage).sort()).toEqual([
      'persisted-queue:v1:another-key:dest-Segment.io:lock',
      'persisted-queue:v1:wk:dest-Segment.io:items',
      'persisted-queue:v1:wk:old-queue:lock',
      'persisted-queue:v1:wk:other-queue:lock',
    ]);
  });

  it('never throws, whatever the storage does', () => {
    const throwing = {
      length: 1,
      key: () => {
        throw new Error('no');
      },
      getItem: () => null,
      setItem: () => {},
      removeItem: () => {},
    };
    expect(() => releaseStaleLibraryLocks(throwing, 'wk', NOW)).not.toThrow();
    expect(() => releaseStaleLibraryLocks(undefined, 'wk', NOW)).not.toThrow();
  });

  describe("with the library's own persisted queue", () => {
    const queue = 'wk:dest-Segment.io';
    const items = `persisted-queue:v1:${queue}:items`;
    let errors: jest.SpyInstance;
    beforeEach(() => {
      jest.useFakeTimers({ now: NOW });
      errors = jest.spyOn(console, 'error').mockImplementation(() => {});
    });
    afterEach(() => {
      jest.useRealTimers();
      jest.restoreAllMocks();
    });

    /** A page whose queue write is refused as it goes (localStorage full): the library leaves its lock behind. */
    function pageLeftWithStorageFull() {
      const first = new PersistedPriorityQueue(10, queue);
      first.push(new Context({ type: 'track', event: 'first', messageId: 'm1' } as any));
      const write = Storage.prototype.setItem;
      const full = jest.spyOn(Storage.prototype, 'setItem').mockImplementation(function refuseQueueWrites(this: Storage, key: string, value: string) {
        if (key.endsWith(':items')) throw new DOMException('full', 'QuotaExceededError');
        return write.call(this, key, value);
      });
      try {
        window.dispatchEvent(new Event('pagehide'));
      } catch {
        // the library's listener throws the refusal
      }
      full.mockRestore();
    }

    /** The next load, the wall clock stepped back an hour since: does it store what it holds as it goes? */
    async function nextLoadStores(release: boolean) {
      jest.setSystemTime(NOW - 3_600_000);
      if (release) releaseStaleLibraryLocks(localStorage, 'wk', Date.now());
      const second = new PersistedPriorityQueue(10, queue);
      second.push(new Context({ type: 'track', event: 'second', messageId: 'm2' } as any));
      await jest.advanceTimersByTimeAsync(500);
      window.dispatchEvent(new Event('pagehide'));
      await jest.advanceTimersByTimeAsync(500);
      return localStorage.getItem(items)?.includes('m2') ?? false;
    }

    it('a lock left by a refused write, the clock stepped back: released, the next load stores its queue again', async () => {
      pageLeftWithStorageFull();
      expect(await nextLoadStores(true)).toBe(true);
      expect(errors.mock.calls.map(call => String(call[0]))).not.toContain('Unable to retrieve lock');
    });

    it('(the library alone keeps the lock for the length of the step: the next load stores nothing)', async () => {
      pageLeftWithStorageFull();
      expect(await nextLoadStores(false)).toBe(false);
      expect(errors.mock.calls.map(call => String(call[0]))).toContain('Unable to retrieve lock');
    });
  });
});
