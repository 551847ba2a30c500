// @ts-check
// The package's config schema, compiled from config.d.ts as `backstage-cli
// package prepack` does and made advisory by relaxConfigSchema.mjs, processed
// the ways Backstage processes it: by an app backend serving the frontend
// (plugin-app-backend's readFrontendConfig: frontend visibility, errors
// thrown), by the dev server and production build (frontend visibility,
// errors ignored), and by `backstage-cli config:check --strict`.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import configLoader from '@backstage/config-loader';
import { relaxConfigSchema } from './relaxConfigSchema.mjs';

const { loadConfigSchema } = configLoader;
const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALL = /** @type {const} */ (['frontend', 'backend', 'secret']);

/** @type {any} */
let compiled;
/** @type {Awaited<ReturnType<typeof loadConfigSchema>>} */
let published;
/** @type {Awaited<ReturnType<typeof loadConfigSchema>>} */
let publishedStrict;
/** @type {Awaited<ReturnType<typeof loadConfigSchema>>} */
let source;

const cwd = process.cwd();
before(async () => {
  process.chdir(repo);
  // What prepack compiles config.d.ts to (config.schema.json), before this package relaxes it.
  source = await loadConfigSchema({ dependencies: [], packagePaths: [join(repo, 'package.json')], excludePackageDependencies: true });
  const [entry] = /** @type {any} */ (source.serialize()).schemas;
  compiled = JSON.parse(JSON.stringify(entry.value));
  const serialized = { backstageConfigSchemaVersion: 1, schemas: [{ ...entry, value: relaxConfigSchema(entry.value) }] };
  published = await loadConfigSchema({ serialized });
  publishedStrict = await loadConfigSchema({ serialized, noUndeclaredProperties: true });
});
after(() => process.chdir(cwd));

/**
 * @param {unknown} segment
 * @returns {import('@backstage/config').AppConfig[]}
 */
const configs = segment => [{ context: 'app-config.yaml', data: /** @type {any} */ ({ app: { analytics: { segment } } }) }];
/** @param {any} processed */
const segmentOf = processed => processed[0].data.app?.analytics?.segment;

// Values an administrator can write, each of them wrong.
const INVALID = [
  { writeKey: 'k', region: 'asia' },
  { writeKey: 'k', batching: { size: 'twenty' } },
  { writeKey: 'k', maskIp: true },
  { writeKey: 'k', respectGlobalPrivacycontrol: true, agent: { disableClientPersistance: true }, batching: { sise: 20 } },
  { writeKey: 'k', batching: 'yes' },
  { writeKey: 'k', batching: [20] },
  { writeKey: 'k', agent: 'off' },
  { writeKey: { env: 'KEY' }, enabled: 'maybe', debug: [], testMode: 2, identityTimeoutMs: 'soon', maskIP: 'yes' },
  { writeKey: 'k', userIdTransform: 'md5', cdnSettings: ['local'], apiHost: 5, cdnURL: {} },
  { writeKey: 'k', redact: true },
  { writeKey: 'k', redact: { patterns: '\\d+', queryParams: { a: 1 }, searchTerms: 'md5', emails: 'yes', email: true } },
  { writeKey: 'k', events: [] },
  { writeKey: 'k', events: { include: { action: 'click' }, exclude: ['click', 5, { actoin: 'x' }] } },
  { writeKey: 'k', groups: 'some', allowedAttributes: '*', allowedContexts: 5 },
  { writeKey: 'k', groups: { limit: 'ten', max: 3 }, extraProperties: 'x', eventNames: ['click'] },
  { writeKey: 'k', extraProperties: { team: { name: 'x' } }, eventNames: { click: 5 } },
  { writeKey: 'k', consent: 'opt-in' },
  { writeKey: 'k', consent: { default: 'optin', waitMs: 'soon', defualt: 'opt-out' } },
];

describe('the published config schema (config.schema.json)', () => {
  it('declares no object or list type (any type instead) and no visibility under app.analytics.segment, and refuses unknown keys', () => {
    const segment = /** @type {any} */ (published.serialize()).schemas[0].value.properties.app.properties.analytics.properties.segment;
    const text = JSON.stringify(segment);
    assert.doesNotMatch(text, /"type":"(object|array)"|"visibility"/);
    assert.deepEqual(segment.type, ['object', 'array', 'string', 'number', 'boolean', 'null']);
    assert.deepEqual(segment.properties.redact.properties.patterns.type, segment.type);
    assert.equal(segment.deepVisibility, 'frontend');
    assert.equal(segment.additionalProperties, false);
    assert.equal(segment.properties.agent.additionalProperties, false);
    // Help is kept: descriptions, enums, leaf types.
    assert.deepEqual(segment.properties.region.enum, ['us', 'eu']);
    assert.equal(segment.properties.batching.properties.size.type, 'number');
    assert.match(segment.properties.region.description, /events\.eu1\.segmentapis\.com/);
  });

  for (const segment of INVALID) {
    it(`an app backend serves the app, and the block whole to the frontend, with ${JSON.stringify(segment)}`, () => {
      const processed = published.process(configs(segment), { visibility: ['frontend'], withDeprecatedKeys: true });
      assert.deepEqual(segmentOf(processed), segment);
    });
  }

  for (const segment of ['oops', false, 42, null]) {
    it(`an app backend serves the app with the block itself set to ${JSON.stringify(segment)} (which then does not reach the frontend)`, () => {
      const processed = published.process(configs(segment), { visibility: ['frontend'], withDeprecatedKeys: true });
      assert.equal(segmentOf(processed), undefined);
    });
  }

  it('compiled without the relaxing (what it guards against), a wrong object or list type stops the app backend', () => {
    const serialized = { backstageConfigSchemaVersion: 1, schemas: [{ path: 'config.d.ts', packageName: 'x', value: compiled }] };
    return loadConfigSchema({ serialized }).then(schema => {
      assert.throws(() => schema.process(configs({ batching: 'yes' }), { visibility: ['frontend'] }), /must be object/);
      assert.throws(() => schema.process(configs('oops'), { visibility: ['frontend'] }), /must be object/);
    });
  });

  for (const [segment, expected] of /** @type {Array<[unknown, RegExp]>} */ ([
    [{ region: 'asia' }, /allowed values \{ allowedValues=us,eu \} at \/app\/analytics\/segment\/region/],
    [{ batching: { size: 'twenty' } }, /must be number \{ type=number \} at \/app\/analytics\/segment\/batching\/size/],
    [{ maskIp: true }, /must NOT have additional properties \{ additionalProperty=maskIp \} at \/app\/analytics\/segment/],
    [{ agent: { disableClientPersistance: true } }, /additionalProperty=disableClientPersistance \} at \/app\/analytics\/segment\/agent/],
    [{ batching: { sise: 20 } }, /additionalProperty=sise \} at \/app\/analytics\/segment\/batching/],
    [{ events: { exclude: [{ actoin: 'x' }] } }, /additionalProperty=actoin \} at \/app\/analytics\/segment\/events\/exclude\/0/],
    [{ userIdTransform: 'md5' }, /allowedValues=none,sha-256 \} at \/app\/analytics\/segment\/userIdTransform/],
  ])) {
    it(`backstage-cli config:check --strict reports ${JSON.stringify(segment)}`, () => {
      assert.throws(() => publishedStrict.process(configs(segment), { visibility: [...ALL] }), expected);
    });
  }

  it("compiles without a warning of Ajv's strict mode (they were printed at every build and backend start)", async () => {
    /** @type {string[]} */
    const warnings = [];
    const warn = console.warn;
    console.warn = (...args) => warnings.push(args.join(' '));
    try {
      const serialized = /** @type {any} */ (published.serialize());
      const schema = await loadConfigSchema({ serialized });
      schema.process(configs({ writeKey: 'k', batching: { size: 20 } }), { visibility: ['frontend'] });
    } finally {
      console.warn = warn;
    }
    assert.deepEqual(warnings, []);
  });

  it('a valid block passes config:check --strict', () => {
    const segment = {
      writeKey: 'k', region: 'eu', batching: { size: 20, timeoutMs: 1000 }, agent: { initialPageView: true },
      redact: { patterns: ['x'], emails: true }, events: { exclude: [{ action: 'click' }] }, groups: { limit: 3 },
      extraProperties: { env: 'prod' }, eventNames: { click: 'Clicked' }, allowedAttributes: ['*'],
    };
    assert.deepEqual(segmentOf(publishedStrict.process(configs(segment), { visibility: [...ALL] })), segment);
  });
});

describe('config.d.ts in the dev server and the production build (errors ignored, frontend keys kept)', () => {
  it('every key of the block reaches the frontend, misspelled ones too, so that the module can report them', () => {
    const segment = { writeKey: 'k', maskIp: true, agent: { disableClientPersistance: true }, batching: { sise: 20, size: 'x' } };
    const processed = source.process(configs(segment), { visibility: ['frontend'], ignoreSchemaErrors: true, withFilteredKeys: true });
    assert.deepEqual(segmentOf(processed), segment);
    assert.deepEqual(/** @type {any} */ (processed[0]).filteredKeys, []);
  });
});
