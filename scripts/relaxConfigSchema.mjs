#!/usr/bin/env node
// @ts-check
// The config schema published with the package advises; it never blocks.
//
// An app backend that serves the frontend validates the frontend's config
// against every installed package's config.schema.json when it starts, and
// answers 503 to every request when a value fails (@backstage/plugin-app-backend,
// readFrontendConfig). Two kinds of schema error are enforced there: any error
// at a path the schema marks `@visibility frontend`, and a wrong type where an
// object or a list is declared, wherever it is. So the block's keys carry no
// `@visibility` of their own (config.d.ts makes the whole block visible with
// `@deepVisibility frontend`), and this script, run by `prepack` after
// `backstage-cli package prepack` has written config.schema.json, widens the
// `object` and `array` types of the block's schema to any type, keeping everything
// else: descriptions, properties, items, enums and leaf types for editors and
// for `backstage-cli config:check --strict`, which reports all of them, and
// `additionalProperties: false`, so that it reports misspelled keys too (it
// adds that itself only to nodes typed `object`). The module checks every
// value in the browser and reports what is wrong.
//
//   node scripts/relaxConfigSchema.mjs [config.schema.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The schema keywords whose values are schemas (or lists or maps of schemas). */
const CHILDREN = ['properties', 'patternProperties', 'items', 'additionalProperties', 'anyOf', 'oneOf', 'allOf'];

/**
 * Every JSON type: where the block declares an object or a list, any value
 * passes (the module reports a wrong one), and Ajv's strict mode, which wants
 * a type for `properties` and `items` (without one it warned once per node at
 * every build and backend start), has one.
 */
const ANY_TYPE = ['object', 'array', 'string', 'number', 'boolean', 'null'];

/** @param {unknown} type */
const isContainer = type => type === 'object' || type === 'array';

/** @param {unknown} node */
function relax(node) {
  if (Array.isArray(node)) {
    node.forEach(relax);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const schema = /** @type {Record<string, any>} */ (node);
  if (isContainer(schema.type) || (Array.isArray(schema.type) && schema.type.some(isContainer))) schema.type = [...ANY_TYPE];
  if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
  for (const key of CHILDREN) {
    const child = schema[key];
    if (key === 'properties' || key === 'patternProperties') Object.values(child ?? {}).forEach(relax);
    else relax(child);
  }
}

/**
 * Makes the `app.analytics.segment` part of a package config schema (as
 * `backstage-cli package prepack` writes it) advisory, in place, and returns it.
 * @param {any} schema
 */
export function relaxConfigSchema(schema) {
  const segment = schema?.properties?.app?.properties?.analytics?.properties?.segment;
  if (!segment) throw new Error('the config schema declares no app.analytics.segment');
  if (JSON.stringify(segment).includes('"visibility"')) {
    throw new Error('app.analytics.segment has keys with a visibility of their own: the app backend would enforce their values');
  }
  relax(segment);
  return schema;
}

/**
 * Makes the schema in a file advisory, in place (see {@link relaxConfigSchema}):
 * `config.schema.json` of the npm package, or the schemas RHDH reads from a
 * dynamic plugin's derived package (`dist-scalprum/configSchema.json`,
 * `dist/.config-schema.json`).
 * @param {string} file
 */
export function relaxConfigSchemaFile(file) {
  writeFileSync(file, `${JSON.stringify(relaxConfigSchema(JSON.parse(readFileSync(file, 'utf8'))), null, 2)}\n`);
  return `${file}: app.analytics.segment made advisory (no object or list types enforced)`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(relaxConfigSchemaFile(process.argv[2] ?? 'config.schema.json'));
}
