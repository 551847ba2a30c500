import { nextRetry, readAnswer } from './retryPolicy';

describe('readAnswer', () => {
  it.each<[number, 'retry' | 'drop' | undefined]>([
    [200, undefined],
    [302, undefined],
    [400, 'drop'],
    [401, 'drop'],
    [404, 'drop'],
    [408, 'retry'],
    [410, 'retry'],
    [413, 'drop'],
    [429, 'retry'],
    [460, 'retry'],
    [500, 'retry'],
    [501, 'drop'],
    [503, 'retry'],
    [505, 'drop'],
    [511, 'drop'],
  ])('answer %i: %s', (status, behaviour) => {
    expect(readAnswer(status, null)?.behaviour).toBe(behaviour);
  });

  it('an override wins over the table (the relay retries a 401), a Retry-After is read only on a 429', () => {
    expect(readAnswer(401, null, { '401': 'retry' })?.behaviour).toBe('retry');
    expect(readAnswer(503, '5')?.retryAfterMs).toBeUndefined();
    expect(readAnswer(429, '5')?.retryAfterMs).toBe(5000);
    expect(readAnswer(429, '9999')?.retryAfterMs).toBe(300_000);
  });
});

describe('nextRetry', () => {
  const half = () => 0.5; // no jitter
  const failure = readAnswer(503, null)!;

  it('waits twice as long each try, up to a minute, and gives up after 10 retries', () => {
    const waits = Array.from({ length: 11 }, (_, i) => nextRetry({ requests: i + 1, rateLimited: 0 }, failure, undefined, half)?.waitMs);
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, undefined]);
  });

  it("a 429's waits are not tries: a batch rate-limited meanwhile still gets its 10 real retries", () => {
    const limited = readAnswer(429, '1')!;
    expect(nextRetry({ requests: 10, rateLimited: 5 }, failure, undefined, half)?.waitMs).toBe(8000); // its fifth try
    expect(nextRetry({ requests: 16, rateLimited: 5 }, failure, undefined, half)).toBeUndefined();
    expect(nextRetry({ requests: 6, rateLimited: 5 }, limited, undefined, half)).toEqual({ waitMs: 16_000, rateLimited: true });
    expect(nextRetry({ requests: 11, rateLimited: 10 }, limited, undefined, half)).toBeUndefined();
  });
});
