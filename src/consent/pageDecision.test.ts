import { toPreferences } from './pageDecision';

describe('toPreferences', () => {
  it.each<[string, unknown, object | undefined]>([
    ['a plain object of booleans', { analytics: true, ads: false }, { analytics: true, ads: false }],
    ['only its boolean entries', { analytics: true, ads: 'no', n: 1, none: null }, { analytics: true }],
    ['nothing when none is boolean', { ads: 'no' }, undefined],
    ['nothing for an empty object', {}, undefined],
    ['nothing for an array', [true, false], undefined],
    ['nothing for null', null, undefined],
    ['nothing for text', 'analytics', undefined],
  ])('%s', (_label, value, expected) => {
    expect(toPreferences(value)).toEqual(expected);
  });
});
