import { outcomeOf } from './outcome';

describe('outcomeOf', () => {
  it.each([
    [200, null, { kind: 'delivered' }],
    [204, null, { kind: 'delivered' }],
    [429, '30', { kind: 'retry', status: 429, retryAfter: '30' }],
    [429, ' 120 ', { kind: 'retry', status: 429, retryAfter: '120' }],
    [429, null, { kind: 'retry', status: 429 }],
    [503, null, { kind: 'retry', status: 503 }],
    [504, null, { kind: 'retry', status: 504 }],
    [408, null, { kind: 'retry', status: 504 }],
    [500, null, { kind: 'retry', status: 502 }],
    [501, null, { kind: 'retry', status: 502 }],
    [505, null, { kind: 'retry', status: 502 }],
    [511, null, { kind: 'retry', status: 502 }],
    [400, null, { kind: 'refused', status: 400 }],
    [413, null, { kind: 'refused', status: 413 }],
    [401, null, { kind: 'retry', status: 502, misconfigured: true }],
    [404, null, { kind: 'retry', status: 502, misconfigured: true }],
    [302, null, { kind: 'retry', status: 502, misconfigured: true }],
  ])('Segment %i (Retry-After %s) gives %j', (status, retryAfter, expected) => {
    expect(outcomeOf(status, retryAfter)).toMatchObject(expected);
  });

  it.each([
    ['0', '30'],
    ['1', '30'],
    ['29', '30'],
    ['-5', '30'],
    ['1.5', '30'],
    ['45.0', '45'],
    ['+45', '45'],
    ['30.2', '31'],
  ])("a 429's Retry-After of %j is passed back as %j: at least 30 s (10 short waits would drop the calls within seconds)", (given, passed) => {
    expect(outcomeOf(429, given)).toMatchObject({ kind: 'retry', status: 429, retryAfter: passed });
  });

  it.each(['Wed, 21 Oct 2026 07:28:00 GMT', 'soon', '', '   '])("a 429's Retry-After of %j, which the library cannot read, is not passed back: it backs off on its own", given => {
    const outcome = outcomeOf(429, given);
    expect(outcome).toMatchObject({ kind: 'retry', status: 429 });
    expect(outcome).not.toHaveProperty('retryAfter');
  });

  it('never answers a status analytics-next would drop for a failure worth retrying', () => {
    const dropped = (status: number) =>
      (status >= 400 && status < 500 && ![408, 410, 429, 460].includes(status)) || [501, 505, 511].includes(status);
    const retryStatuses = new Set<number>();
    for (let status = 300; status < 600; status++) {
      const outcome = outcomeOf(status, null);
      if (outcome.kind === 'retry') retryStatuses.add(outcome.status);
    }
    expect([...retryStatuses].filter(dropped)).toEqual([]);
    expect([...retryStatuses].sort()).toEqual([429, 502, 503, 504]);
  });
});
