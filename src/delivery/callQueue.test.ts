import { clickCall } from '../__testUtils__/deliveryTestKit';
import { CallQueue, createWaitingBound, QueueItem } from './callQueue';

const call = (subject: string): QueueItem => ({ kind: 'call', call: clickCall(subject), at: 0 });
const subjects = (items: QueueItem[]) => items.map(i => (i.kind === 'call' ? i.call.properties.subject : `session ${i.userId}`));

describe('CallQueue', () => {
  it('hands items over in order; a session put in front goes first; counts calls only', () => {
    const q = new CallQueue();
    q.push(call('a'));
    q.push(call('b'));
    q.unshift({ kind: 'session', userId: 'u' });
    expect(q.calls).toBe(2);
    expect(subjects(q.waiting())).toEqual(['session u', 'a', 'b']);
    q.shift();
    q.shift();
    q.unshift({ kind: 'session', userId: undefined }); // reuses the freed head
    expect(subjects(q.waiting())).toEqual(['session undefined', 'b']);
    expect(q.firstCall()?.call.properties.subject).toBe('b');
    expect(q.calls).toBe(1);
  });

  it("a user's session put first replaces an anonymous one still waiting at the head (nothing of it went out), never a user's", () => {
    const q = new CallQueue();
    q.unshift({ kind: 'session', userId: undefined }); // the identity's time-out, the library still loading
    q.push(call('a'));
    q.startSessionFirst({ kind: 'session', userId: 'u' });
    expect(subjects(q.waiting())).toEqual(['session u', 'a']);
    q.shift();
    q.shift();
    q.push(call('b'));
    q.startSessionFirst({ kind: 'session', userId: 'v' });
    q.startSessionFirst({ kind: 'session', userId: 'w' });
    expect(subjects(q.waiting())).toEqual(['session w', 'session v', 'b']);
  });

  it('drops the oldest call, never a session', () => {
    const q = new CallQueue();
    q.push({ kind: 'session', userId: 'u' });
    q.push(call('a'));
    q.push(call('b'));
    expect(q.dropOldestCall()).toBe(true);
    expect(subjects(q.waiting())).toEqual(['session u', 'b']);
  });

  it('removes calls another load sent, and stays usable after compacting a long run', () => {
    const q = new CallQueue();
    const items = Array.from({ length: 3000 }, (_, i) => call(`c${i}`));
    items.forEach(i => q.push(i));
    for (let i = 0; i < 2000; i++) q.shift();
    q.compact();
    q.remove(new Set([items[2000], items[2999]]));
    expect(q.calls).toBe(998);
    expect(q.peek()).toBe(items[2001]);
    while (!q.empty) q.shift();
    q.compact();
    expect(q.waiting()).toEqual([]);
  });
});

describe('createWaitingBound', () => {
  it('keeps at most max calls while waiting, dropping the oldest, and warns once with the count', () => {
    const warnOnce = jest.fn();
    const bound = createWaitingBound(2, warnOnce);
    const q = new CallQueue();
    for (const s of ['a', 'b', 'c', 'd']) {
      bound.makeRoom(q);
      q.push(call(s));
    }
    expect(subjects(q.waiting())).toEqual(['c', 'd']);
    expect(warnOnce.mock.calls).toEqual([['dropping', expect.stringContaining('events are being dropped (the oldest) while more than 2')]]);
    bound.warn();
    expect(warnOnce).toHaveBeenLastCalledWith('dropped', expect.stringContaining('2 events were dropped (the oldest) while more than 2'));
  });

  it('says nothing when nothing was dropped', () => {
    const warnOnce = jest.fn();
    createWaitingBound(2, warnOnce).warn();
    expect(warnOnce).not.toHaveBeenCalled();
  });
});
