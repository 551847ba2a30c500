import { createDeadlineQueue } from './deadlineQueue';
import { createDelayedObserver } from './delayedObserver';
import { wallClockScheduler } from '../__testUtils__/fakeTime';

// One pending timer for many deadlines: jest's fake timers, and the clock they move.
const timers = wallClockScheduler;

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('createDeadlineQueue', () => {
  it('runs each item its delay after it was added, in order, on one pending timer', async () => {
    const ran: string[] = [];
    const queue = createDeadlineQueue<string>(1000, item => ran.push(item), timers);
    queue.add('a');
    await jest.advanceTimersByTimeAsync(400);
    queue.add('b');
    queue.add('c');
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(599);
    expect(ran).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(ran).toEqual(['a']);
    jest.advanceTimersByTime(400);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('after running an item, sleeps until the next one is due: no timer comes back at once while nothing is due', async () => {
    const ran: string[] = [];
    const set = jest.spyOn(timers, 'setTimeout');
    const queue = createDeadlineQueue<string>(4000, item => ran.push(item), timers);
    queue.add('a');
    await jest.advanceTimersByTimeAsync(2000);
    queue.add('b');
    await jest.advanceTimersByTimeAsync(2000);
    expect(ran).toEqual(['a']);
    await jest.advanceTimersByTimeAsync(1999);
    expect(set.mock.calls.map(([, ms]) => ms)).toEqual([4000, 2000]);
    await jest.advanceTimersByTimeAsync(1);
    expect(ran).toEqual(['a', 'b']);
    set.mockRestore();
  });

  it('skips cancelled items, and stops when nothing is left', () => {
    const ran: number[] = [];
    const queue = createDeadlineQueue<number>(100, item => ran.push(item), timers);
    const cancels = Array.from({ length: 1000 }, (_, i) => queue.add(i));
    cancels.forEach((cancel, i) => i % 2 === 0 && cancel());
    jest.advanceTimersByTime(100);
    expect(ran).toHaveLength(500);
    expect(ran.every(i => i % 2 === 1)).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('goes on when one item’s action throws', () => {
    const ran: number[] = [];
    const queue = createDeadlineQueue<number>(10, item => {
      if (item === 1) throw new Error('boom');
      ran.push(item);
    }, timers);
    [1, 2, 3].forEach(i => queue.add(i));
    jest.advanceTimersByTime(10);
    expect(ran).toEqual([2, 3]);
  });
});

describe('createDelayedObserver', () => {
  it('looks at every value after the delay, with one timer for a thousand values', () => {
    const seen: number[] = [];
    const observer = createDelayedObserver<number>(value => seen.push(value), 4000, timers);
    for (let i = 0; i < 1000; i++) observer.add(i);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(4000);
    expect(seen).toHaveLength(1000);
  });
});
