import { relayConfigWarnings, SHORT_KEY } from './relayConfigWarnings';

describe('relayConfigWarnings', () => {
  it('warns once about an HMAC key shorter than 32 characters, without quoting it', () => {
    const key = 'k'.repeat(SHORT_KEY - 1);
    const warnings = relayConfigWarnings({ hmacKey: key });
    expect(warnings).toEqual([expect.stringMatching(/^segmentAnalytics\.hmacKey is shorter than 32 characters: /)]);
    expect(warnings.join()).not.toContain(key);
  });

  it('warns about white space around the HMAC key (used as it is), without quoting it', () => {
    const key = `${'k'.repeat(SHORT_KEY)}\n`;
    const warnings = relayConfigWarnings({ hmacKey: key });
    expect(warnings).toEqual([expect.stringMatching(/^segmentAnalytics\.hmacKey begins or ends with white space .*: it is used as it is/)]);
    expect(warnings.join()).not.toContain(key.trim());
  });

  it('says nothing of a key of 32 characters or more', () => {
    expect(relayConfigWarnings({ hmacKey: 'k'.repeat(SHORT_KEY) })).toEqual([]);
  });
});
