module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // Its own package: the repository root's config (the frontend's) does not apply here.
  root: true,
  ignorePatterns: ['dist-types/'],
  overrides: [
    {
      // Node ES modules (dev/: the local Segment backend, the integration test) with the same rules, adjusted for Node.
      files: ['**/*.mjs'],
      env: { node: true, es2022: true },
      parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
      rules: { 'no-console': 'off' },
    },
    {
      // The integration test drives the relay against the repository's embedded collector (the frontend package's dev/).
      files: ['dev/integration.test.mjs'],
      rules: { '@backstage/no-relative-monorepo-imports': 'off' },
    },
  ],
});
