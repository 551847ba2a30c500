import { relayConfigWarnings, SHORT_KEY } from './relayConfigWarnings';

describe('relayConfigWarnings', () => {
  it('warns once about an HMAC key shorter than 32 characters, without quoting it', () => {
    const key = 'k'.repeat(SHORT_KEY - 1);
    const warnings = relayConfigWarnings({ hmacKey: key });
    expect(warnings).toEqual([expect.stringMatching(/^segmentAnalytics\.hmacKey is shorter than 32 characters: /)]);
    expect(warnings.join()).not.toContain(key);
  });

  it('says nothing of a key of 32 characters or more', () => {
    expect(relayConfigWarnings({ hmacKey: 'k'.repeat(SHORT_KEY) })).toEqual([]);
  });
});
