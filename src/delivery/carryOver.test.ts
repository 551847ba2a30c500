import { CarryOver } from './carryOver';
import { CallQueue } from './callQueue';
import { UNIDENTIFIED } from './storedOwner';
import { memoryStorage, stored, storeOn } from '../__testUtils__/callStoreKit';

// Which anonymous id a call kept for the next page load carries: the one it was made with, or none (the user's).

describe('CarryOver: the anonymous id of a kept call', () => {
  /** The page's calls stored as it is left for good, then read back as the next load would. */
  function leave(recorded: string | undefined, queue: CallQueue) {
    const storage = memoryStorage();
    const carryOver = new CarryOver({
      store: storeOn(storage).store,
      storedOwner: { get: () => recorded, set: jest.fn() },
      newId: () => 'fresh-id',
      anonymousId: () => 'browser-anonymous-id',
      standIn: () => undefined,
    });
    carryOver.save(queue, [], { initialOwner: null, claim: false, final: true, prepare: call => call });
    return storeOn(storage).store.load().map(call => ({ owner: call.owner, anonymousId: call.anonymousId }));
  }
  const click = () => ({ kind: 'call' as const, call: stored('click').call, at: 0 });

  it("an identified user's call carries none of its own: it goes out with the user's", () => {
    const queue = new CallQueue();
    queue.push({ kind: 'session', userId: 'alice-id' });
    queue.push(click());
    expect(leave('alice-id', queue)).toEqual([{ owner: 'alice-id', anonymousId: undefined }]);
  });

  it.each([
    ['someone unidentified is recorded', UNIDENTIFIED],
    ['no one is recorded', undefined],
  ])("an anonymous call where %s carries the id it was made with (the browser's)", (_label, recorded) => {
    const queue = new CallQueue();
    queue.push(click());
    expect(leave(recorded, queue)).toEqual([{ owner: null, anonymousId: 'browser-anonymous-id' }]);
  });

  it("an anonymous call where another user's identity is kept carries a fresh id, never theirs", () => {
    const queue = new CallQueue();
    queue.push(click());
    expect(leave('alice-id', queue)).toEqual([{ owner: null, anonymousId: 'fresh-id' }]);
  });
});
