import { caselessKey, foldedView } from './caseless';
import { decodedView, depthOf, endOf, replaceInOriginal, startOf } from './textView';

describe('decodedView', () => {
  it.each<[string, string]>([
    ['plain', 'plain'],
    ['a%40b', 'a@b'],
    ['a%2540b', 'a@b'],
    ['a%252540b', 'a@b'],
    ['%2%35', '%'], // %35 is 5, then %25 is %
    ['%C3%A9t%C3%A9', 'été'],
    ['%F0%9F%98%80', '😀'],
    ['%E2%82', '\ufffd\ufffd'],
    ['%zz 100%', '%zz 100%'],
  ])('%j decodes to %j', (input, expected) => {
    expect(decodedView(input).text).toBe(expected);
  });

  it('knows where each character came from and how deep it was encoded', () => {
    const view = decodedView('x%253Dy');
    expect(view.text).toBe('x=y');
    expect([startOf(view, 1), endOf(view, 1), depthOf(view, 1)]).toEqual([1, 6, 2]);
    expect(replaceInOriginal('x%253Dy', view, [{ from: 2, to: 3, text: 'Z' }])).toBe('x%253DZ');
  });

  it('decodes any depth in linear work', () => {
    // `%2541` is `%41` once decoded, `A` twice: this is `A` encoded 100,001 times.
    const input = `%${'25'.repeat(100_000)}41`;
    const work = { steps: 0 };
    const view = decodedView(input, work);
    expect([view.text, depthOf(view, 0)]).toEqual(['A', 100_001]);
    expect(work.steps).toBeLessThan(4 * input.length);
  });
});

describe('caselessKey', () => {
  it.each<[string, string]>([
    ['USER:DEFAULT/JANE', 'user:default/jane'],
    ['straße', 'strasse'],
    ['STRASSE', 'strasse'],
    ['STRAẞE', 'strasse'],
    ['ınga', 'inga'], // dotless i
    ['İNGA', 'inga'], // dotted capital I
    ['INGA'.toLocaleLowerCase('tr'), 'inga'],
    ['inga'.toLocaleUpperCase('tr'), 'inga'],
    ['jos\u00e9', 'jose\u0301'], // NFC
    ['jose\u0301', 'jose\u0301'], // NFD
    ['ＪＯＳＥ', 'jose'], // full-width (NFKC)
    ['ﬁle', 'file'], // ligature
    ['\u212a', 'k'], // Kelvin sign
    ['ſ', 's'], // long s
    ['ΟΔΥΣΣΕΥΣ', 'οδυσσευσ'], // final sigma folds like sigma
    ['ja\u00adne\u200b', 'jane'], // soft hyphen, zero-width space
    ['user%3Adefault%2FJane', 'user:default/jane'],
  ])('%j -> %j', (input, expected) => {
    expect(caselessKey(input)).toBe(expected);
  });

  it('replacements that share one original character (ß folds to ss) are replaced together', () => {
    const original = 'xßy';
    const view = foldedView(decodedView(original));
    expect(replaceInOriginal(original, view, [{ from: 0, to: 2, text: '<a>' }, { from: 2, to: 4, text: '<b>' }])).toBe('<a>');
  });

  it('maps folded characters back to their original code units', () => {
    const view = foldedView(decodedView('xẞ%C3%A9y'));
    expect(view.text).toBe('xsse\u0301y');
    expect([startOf(view, 1), endOf(view, 2)]).toEqual([1, 2]);
    expect([startOf(view, 3), endOf(view, 4)]).toEqual([2, 8]);
  });
});
