import { createHandOverPacer } from './handOverPacer';

describe('createHandOverPacer', () => {
  it('standard delivery: full at the in-flight limit only', () => {
    const pacer = createHandOverPacer(3);
    for (let i = 0; i < 10; i++) pacer.handed();
    expect(pacer.full(2)).toBe(false);
    expect(pacer.full(3)).toBe(true);
  });

  it('standard delivery: once full, room again when half have settled, then up to the limit', () => {
    const pacer = createHandOverPacer(64);
    expect(pacer.full(63)).toBe(false);
    expect(pacer.full(64)).toBe(true);
    expect(pacer.full(63)).toBe(true);
    expect(pacer.full(33)).toBe(true);
    expect(pacer.full(32)).toBe(false);
    expect(pacer.full(40)).toBe(false);
    expect(pacer.full(64)).toBe(true);
  });

  it('batching: one batch at a time, the next once every call handed over has settled', () => {
    const pacer = createHandOverPacer(1000, 3);
    const handOver = (settledBefore: number) => {
      let handed = 0;
      while (!pacer.full(settledBefore + handed)) {
        pacer.handed();
        handed++;
      }
      return handed;
    };
    expect(handOver(0)).toBe(3);
    // Two calls settled at once (the library buffered them); the one that filled the batch waits for its request.
    expect(pacer.full(1)).toBe(true);
    expect(handOver(0)).toBe(3);
  });

  it('batching: calls handed over one by one, as they come, make up the batch', () => {
    const pacer = createHandOverPacer(1000, 3);
    pacer.handed(); // settled at once: the library holds it for its timer
    expect(pacer.full(0)).toBe(false);
    pacer.handed();
    pacer.handed();
    expect(pacer.full(1)).toBe(true);
    expect(pacer.full(0)).toBe(false);
  });
});
