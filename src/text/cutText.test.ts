import { ConfigReader } from '@backstage/config';
import { readSegmentConfig } from '../config/readSegmentConfig';
import { cutText } from './cutText';
import { chooseUserIdTransform } from '../identity/chooseUserIdTransform';
import { fitToSizeLimit, TRUNCATION_MARK } from '../mapping/fitToSizeLimit';
import { createSafeEventReader } from '../mapping/safeEventReader';
import { SegmentCall } from '../mapping/SegmentCall';
import { JSON_SAFE_MARKERS, MAX_STRING_CHARS, toJsonSafe } from '../mapping/toJsonSafe';

const EMOJI = '😀'; // two UTF-16 code units: a surrogate pair
const isLoneSurrogate = (text: string) => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
/** A string whose code unit number `at` (counted from 1) is the first half of a pair. */
const pairAt = (at: number, total = at + 10) => `${'a'.repeat(at - 1)}${EMOJI}${'b'.repeat(total - at - 1)}`;

describe('cutText', () => {
  it.each<[string, number, string]>([
    ['abc', 5, 'abc'],
    ['abcdef', 3, 'abc'],
    [`ab${EMOJI}`, 3, 'ab'],
    [`ab${EMOJI}`, 4, `ab${EMOJI}`],
    [`${EMOJI}${EMOJI}`, 3, EMOJI],
    [EMOJI, 1, ''],
    ['abc', 0, ''],
    // A lone high surrogate already there is kept as it was (nothing is made worse).
    ['a\ud800b', 3, 'a\ud800b'],
  ])('%j cut to %d is %j', (text, max, expected) => {
    expect(cutText(text, max)).toBe(expected);
  });
});

describe('every string cut to a limit ends on a whole character', () => {
  it('toJsonSafe, at MAX_STRING_CHARS', () => {
    const cut = toJsonSafe({ s: pairAt(MAX_STRING_CHARS) }) as { s: string };
    expect(cut.s).toBe(`${'a'.repeat(MAX_STRING_CHARS - 1)}${JSON_SAFE_MARKERS.truncated}`);
  });

  it('fitToSizeLimit, at 1024 characters', () => {
    const call = { type: 'track', event: 'x', properties: { long: pairAt(1024, 40_000) } } as unknown as SegmentCall;
    const fitted = fitToSizeLimit(call)!;
    expect(fitted.properties.long).toBe(`${'a'.repeat(1023)}${TRUNCATION_MARK}`);
  });

  it("the safe reader's warning, which quotes at most 100 characters of the action", () => {
    const warn = jest.fn();
    createSafeEventReader({ warn, info: jest.fn() })({ action: pairAt(100), subject: Symbol('s') });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(isLoneSurrogate(warn.mock.calls[0][0])).toBe(false);
    expect(warn.mock.calls[0][0]).toContain(`'${'a'.repeat(99)}'`);
  });

  it('the userIdTransform option error, which quotes at most 40 characters', () => {
    expect(() => chooseUserIdTransform(pairAt(40), 'none', undefined)).toThrow(`(got '${'a'.repeat(39)}')`);
  });

  it('an endpoint error, which quotes at most 80 characters', () => {
    let message = '';
    try {
      readSegmentConfig(new ConfigReader({ app: { analytics: { segment: { writeKey: 'k', cdnURL: pairAt(80, 90) } } } }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`got '${'a'.repeat(79)}'`);
    expect(isLoneSurrogate(message)).toBe(false);
  });
});
