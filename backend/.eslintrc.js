module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // Its own package: the repository root's config (the frontend's) does not apply here.
  root: true,
  ignorePatterns: ['dist-types/', '**/*.mjs'],
});
