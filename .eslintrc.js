// TypeScript (src/, dev/) with the rules of a Backstage frontend plugin module;
// Node ES modules (*.mjs: the dev scripts and collector, the e2e tests and
// their support, the benchmark) with the same rules, adjusted for Node.
module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // The package's own config, wherever it is cloned (inside another project's folder too).
  root: true,
  // backend/ is its own package, linted by its own config and scripts.
  ignorePatterns: ['dist-types/', 'dist-dynamic/', 'dist-dynamic-pack/', '.e2e-artifacts/', '.real-app/', 'backend/'],
  overrides: [
    {
      files: ['**/*.mjs'],
      env: { node: true, es2022: true },
      parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
      rules: {
        // Node's built-in modules are what these scripts run on (frontend code may not import them).
        'no-restricted-imports': 'off',
        'no-console': 'off',
      },
    },
    {
      // Table-driven node:test cases are closures, made in a loop, over the
      // suite's fixtures (set in before()): what no-loop-func cannot tell from
      // the bug it exists for.
      files: ['**/*.test.mjs'],
      rules: { 'no-loop-func': 'off' },
    },
    {
      // The shared assertions of the hostile-event and mapping tables count as assertions.
      files: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
      rules: { 'jest/expect-expect': ['warn', { assertFunctionNames: ['expect', 'expectHostileCase', 'expectMapping'] }] },
    },
    {
      // Stand-ins for Red Hat Developer Hub's app: they share the packages RHDH's
      // host shares (installed through the RHDH CLI and npm aliases), the way RHDH does.
      files: ['e2e/rhdh/host/*.mjs'],
      rules: { '@backstage/no-undeclared-imports': 'off', 'no-restricted-syntax': 'off' },
    },
  ],
});
