import { memoryStorage } from '../__testUtils__/deliveryTestKit';
import { dropKeptCalls } from './dropKeptCalls';

describe('dropKeptCalls', () => {
  it("removes the kept calls and the library's queues of every write key not kept, known from any of the module's keys", () => {
    const storage = memoryStorage();
    for (const key of [
      'backstage-segment:abc:pending',
      'backstage-segment:abc:pending:page-1',
      'backstage-segment:abc:user',
      'persisted-queue:v1:abc:dest-Segment.io:items',
      // A write key that starts like the other: kept, with its queues.
      'backstage-segment:abcd:pending',
      'persisted-queue:v1:abcd:dest-Segment.io:items',
      // Known only from its settings record: its library queues go too.
      'backstage-segment:rotated:settings',
      'persisted-queue:v1:rotated:event-queue:items',
      'another-app:pending',
    ]) {
      storage.data.set(key, '[]');
    }
    dropKeptCalls(writeKey => writeKey === 'abcd', storage);
    expect([...storage.data.keys()].sort()).toEqual([
      'another-app:pending',
      'backstage-segment:abc:user',
      'backstage-segment:abcd:pending',
      'backstage-segment:rotated:settings',
      'persisted-queue:v1:abcd:dest-Segment.io:items',
    ]);
  });

  it('never throws where storage does, or cannot be reached', () => {
    const refusing = {
      ...memoryStorage(),
      key: () => {
        throw new Error('denied');
      },
      length: 1,
    };
    expect(() => dropKeptCalls(() => false, refusing)).not.toThrow();
    expect(() => dropKeptCalls(() => false, undefined)).not.toThrow();
  });
});
