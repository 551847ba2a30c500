import { chooseUserIdTransform } from './chooseUserIdTransform';

describe('chooseUserIdTransform', () => {
  const custom = async () => 'id';

  it.each<[string, unknown, 'none' | 'sha-256', string | undefined, unknown, number, boolean, boolean]>([
    ['no option: the config decides (none)', undefined, 'none', undefined, undefined, 0, false, false],
    ['no option: the config decides (sha-256)', undefined, 'sha-256', undefined, 'sha-256', 0, false, false],
    ['the code option wins over the config', 'sha-256', 'none', undefined, 'sha-256', 0, false, false],
    ['a function wins over sha-256 config', custom, 'sha-256', undefined, custom, 0, false, false],
    ['salt with sha-256: no warning', undefined, 'sha-256', 'pepper', 'sha-256', 0, false, false],
    ['salt without a transform: a warning', undefined, 'none', 'pepper', undefined, 1, false, false],
    ['salt with a function: a warning', custom, 'sha-256', 'pepper', custom, 1, false, false],
    // delivery: backend: the browser keys its SHA-256 with the salt where no transform is set
    ['relay, salt without a transform: no warning', undefined, 'none', 'pepper', undefined, 0, true, false],
    ['relay, salt with a function: a warning', custom, 'none', 'pepper', custom, 1, true, false],
    // redact.searchTerms: sha-256 keys the search terms' digest with the salt
    ['salt keying the search terms, no transform: no warning', undefined, 'none', 'pepper', undefined, 0, false, true],
    ['salt keying the search terms, a function: no warning', custom, 'none', 'pepper', custom, 0, false, true],
  ])('%s', (_name, option, configured, salt, transform, warnings, relay, searchTerms) => {
    const choice = chooseUserIdTransform(option, configured, salt, relay, searchTerms);
    expect(choice.transform).toBe(transform);
    expect(choice.warnings).toHaveLength(warnings);
    expect(choice.warnings.join()).not.toContain('pepper');
  });

  it("gives the browser's user id a SHA-256 with delivery: backend where no transform is set", () => {
    expect(chooseUserIdTransform(undefined, 'none', undefined, true).userIdTransform).toBe('sha-256');
    expect(chooseUserIdTransform(undefined, 'none', undefined, true).transform).toBeUndefined();
    expect(chooseUserIdTransform(custom, 'none', undefined, true).userIdTransform).toBe(custom);
    expect(chooseUserIdTransform(undefined, 'sha-256', undefined, true).userIdTransform).toBe('sha-256');
    expect(chooseUserIdTransform(undefined, 'none', undefined, false).userIdTransform).toBeUndefined();
    expect(chooseUserIdTransform(custom, 'none', undefined, false).userIdTransform).toBe(custom);
  });

  it.each<[string, unknown]>([
    ['empty string', ''],
    ['null', null],
    ['false', false],
    ['zero', 0],
    ['none', 'none'],
    ['wrong case', 'SHA-256'],
    ['an object', {}],
    ['a Symbol', Symbol('x')],
  ])('an invalid option (%s) throws, naming the option', (_name, option) => {
    expect(() => chooseUserIdTransform(option, 'sha-256', undefined)).toThrow(
      /^Invalid option userIdTransform of SegmentAnalytics\.fromConfig: expected 'sha-256' or an async function/,
    );
  });
});
