import { monotonicClock, steadyClockFrom } from './monotonicClock';

describe('steadyClockFrom (where performance.now is missing)', () => {
  it.each<[string, number[], number[]]>([
    ['a steady wall clock', [1000, 1010, 1025], [0, 10, 25]],
    ['a step back: time carries on from where it was', [1000, 1010, 1010 - 3_600_000, 1010 - 3_600_000 + 5], [0, 10, 10, 15]],
    ['a step forward is taken as it is', [1000, 1010, 5000], [0, 10, 4000]],
    ['the clock standing still', [1000, 1000, 1000], [0, 0, 0]],
  ])('%s', (_label, walls, expected) => {
    let i = 0;
    const clock = steadyClockFrom(() => walls[Math.min(i, walls.length - 1)]);
    const seen = walls.map(() => {
      const t = clock();
      i++;
      return t;
    });
    expect(seen).toEqual(expected);
  });
});

describe('monotonicClock', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** How far the clock moved over 10 s of fake time, with fake timers installed after it was made, then removed. */
  function movedUnderFakes(doNotFake: Array<'Date' | 'performance'>) {
    jest.useRealTimers();
    const clock = monotonicClock();
    clock();
    jest.useFakeTimers({ doNotFake });
    const start = clock();
    jest.advanceTimersByTime(10_000);
    const moved = clock() - start;
    jest.useRealTimers();
    return { moved, offReal: Math.abs(clock() - performance.now()) };
  }

  it('follows fake timers that replace the timers and performance, not Date, and the real clock once they are removed', () => {
    const { moved, offReal } = movedUnderFakes(['Date']);
    expect(moved).toBe(10_000);
    expect(offReal).toBeLessThan(1000);
  });

  it('follows the real performance clock under fake timers that leave it alone (it does not move with fake time)', () => {
    const { moved, offReal } = movedUnderFakes(['performance']);
    expect(moved).toBeLessThan(1000);
    expect(offReal).toBeLessThan(1000);
  });

  it('follows clocks that replace the page’s after it was made (an app test’s fake timers)', () => {
    jest.useRealTimers();
    const clock = monotonicClock();
    clock();
    jest.useFakeTimers();
    const start = clock();
    jest.advanceTimersByTime(10_000);
    expect(clock() - start).toBe(10_000);
    jest.useRealTimers();
    const real = clock();
    expect(Math.abs(real - performance.now())).toBeLessThan(1000);
  });

  it('moves with time and not with the system clock', () => {
    const clock = monotonicClock();
    const start = clock();
    jest.advanceTimersByTime(100);
    expect(clock() - start).toBe(100);
    jest.setSystemTime(Date.now() - 3_600_000);
    expect(clock() - start).toBe(100);
    jest.advanceTimersByTime(50);
    expect(clock() - start).toBe(150);
  });
});
