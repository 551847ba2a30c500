/**
 * For tests that render Backstage's real settings page: its own components
 * warn in jsdom (styles it cannot parse, focus roles), so `console.warn` and
 * `console.info` are kept out of the output for each test of the file; the
 * module's own warnings (they name Segment) must not be among them.
 *
 * @returns a check, for the end of a test, that none of the warnings came from the module
 */
export function quietSettingsPageWarnings(): () => void {
  let warnings: string[] = [];
  beforeEach(() => {
    warnings = [];
    jest.spyOn(console, 'info').mockImplementation(() => {});
    jest.spyOn(console, 'warn').mockImplementation((...args) => void warnings.push(args.map(String).join(' ')));
  });
  afterEach(() => jest.restoreAllMocks());
  return () => expect(warnings.filter(w => /segment/i.test(w))).toEqual([]);
}
