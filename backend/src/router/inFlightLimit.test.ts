import { createInFlightLimit, type Admission } from './inFlightLimit';

const release = (admission: Admission) => {
  if (!admission.admitted) throw new Error('expected an admission');
  admission.release();
};

describe('createInFlightLimit', () => {
  it('admits up to the request limit, then refuses until one is released', () => {
    const limit = createInFlightLimit(3, 1000);
    const admitted = [limit.enter(10), limit.enter(10), limit.enter(10)];
    expect(admitted.map(a => a.admitted)).toEqual([true, true, true]);
    expect(limit.enter(10)).toEqual({ admitted: false, first: true });
    release(admitted[0]);
    expect(limit.enter(10).admitted).toBe(true);
    expect(limit.load()).toEqual({ requests: 3, bytes: 30 });
  });

  it('refuses a request that would take the bytes in flight past the byte limit', () => {
    const limit = createInFlightLimit(10, 1000);
    expect(limit.enter(600).admitted).toBe(true);
    expect(limit.enter(401).admitted).toBe(false);
    expect(limit.enter(400).admitted).toBe(true);
  });

  it('admits one request when none is in flight, whatever its size', () => {
    expect(createInFlightLimit(1, 10).enter(500).admitted).toBe(true);
  });

  it('says which refusal starts a run: the first since the load fell to half the limits', () => {
    const limit = createInFlightLimit(4, 1000);
    const admitted = [limit.enter(1), limit.enter(1), limit.enter(1), limit.enter(1)];
    expect([limit.enter(1), limit.enter(1)]).toEqual([
      { admitted: false, first: true },
      { admitted: false, first: false },
    ]);
    release(admitted[0]);
    release(admitted[0]); // a second release changes nothing
    expect(limit.load().requests).toBe(3);
    release(admitted[1]);
    expect(limit.load().requests).toBe(2);
    const again = [limit.enter(1), limit.enter(1)];
    expect(again.every(a => a.admitted)).toBe(true);
    expect(limit.enter(1)).toEqual({ admitted: false, first: true });
  });
});
