import { memoryStorage } from '../__testUtils__/deliveryTestKit';
import { dropQueuesOfOtherSettings } from './librarySettings';

function storageWith(entries: Record<string, string>) {
  const storage = memoryStorage();
  Object.entries(entries).forEach(([key, value]) => storage.data.set(key, value));
  return storage;
}

const QUEUE = 'persisted-queue:v1:wk:dest-Segment.io:items';
const OTHER_KEYS_QUEUE = 'persisted-queue:v1:other:dest-Segment.io:items';

describe('dropQueuesOfOtherSettings', () => {
  it("removes the write key's library queues left by a load under other settings, and records these", () => {
    const storage = storageWith({ 'backstage-segment:wk:settings': 'loose', [QUEUE]: '[{"event":{}}]', [OTHER_KEYS_QUEUE]: '[]' });
    expect(dropQueuesOfOtherSettings(storage, 'wk', 'strict')).toBe(true);
    expect([...storage.data.keys()].sort()).toEqual(['backstage-segment:wk:settings', OTHER_KEYS_QUEUE]);
    expect(storage.data.get('backstage-segment:wk:settings')).toBe('strict');
  });

  it.each<[string, Record<string, string>]>([
    ['the same settings', { 'backstage-segment:wk:settings': 'strict' }],
    ['no record (the first load, or a version before it)', {}],
  ])('keeps them under %s', (_label, record) => {
    const storage = storageWith({ ...record, [QUEUE]: '[]' });
    expect(dropQueuesOfOtherSettings(storage, 'wk', 'strict')).toBe(false);
    expect(storage.data.get(QUEUE)).toBe('[]');
    expect(storage.data.get('backstage-segment:wk:settings')).toBe('strict');
  });

  it('never throws, whatever storage does', () => {
    const refusing = {
      ...storageWith({}),
      getItem: () => {
        throw new Error('denied');
      },
    };
    expect(dropQueuesOfOtherSettings(refusing, 'wk', 'x')).toBe(false);
    expect(dropQueuesOfOtherSettings(undefined, 'wk', 'x')).toBe(false);
  });
});
