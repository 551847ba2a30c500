module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // backend/ is its own package, linted by its own config and scripts.
  ignorePatterns: ['dist-types/', 'dist-dynamic/', '**/*.mjs', 'backend/'],
});
