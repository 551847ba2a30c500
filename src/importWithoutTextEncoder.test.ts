// An app's own tests import the module through its apis.ts (create-app's App.test.tsx); older app templates
// run jest on jsdom 20, which has no TextEncoder: importing the package must not need it.
it('the package imports, and an instance is made, where TextEncoder is missing', () => {
  const real = globalThis.TextEncoder;
  // @ts-expect-error: removed as jsdom 20 lacks it
  delete globalThis.TextEncoder;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { SegmentAnalytics } = require('./index') as typeof import('./index');
      const { ConfigReader } = require('@backstage/config') as typeof import('@backstage/config');
      jest.spyOn(console, 'info').mockImplementation(() => {});
      expect(() => SegmentAnalytics.fromConfig(new ConfigReader({ app: { analytics: { segment: { testMode: true } } } }))).not.toThrow();
    });
  } finally {
    globalThis.TextEncoder = real;
  }
});
