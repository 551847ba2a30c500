import { ConfigReader } from '@backstage/config';
import { callSettingsOf, TransformKind, withTransform } from './callSettings';
import { shapesCalls, transformOf } from './readCallSettings';

const of = (segment: object) => callSettingsOf(new ConfigReader(segment));

describe('callSettingsOf', () => {
  const base = { writeKey: 'wk', redact: { emails: true, patterns: ['a', 'b'] }, events: { exclude: [{ action: 'search' }] } };

  it('is the same for the same values', () => {
    expect(of(JSON.parse(JSON.stringify(base)))).toBe(of(base));
  });

  it.each<[string, object]>([
    ['a pattern added', { redact: { ...base.redact, patterns: ['a', 'b', 'c'] } }],
    ['an event rule added', { events: { exclude: [{ action: 'search' }, { action: 'deploy' }] } }],
    ['allowedAttributes set', { allowedAttributes: ['env'] }],
    ['allowedContexts set', { allowedContexts: ['pluginId'] }],
    ['the user id transform', { userIdTransform: 'sha-256' }],
    ['the salt', { userIdSalt: 'pepper' }],
    ['search terms', { redact: { ...base.redact, searchTerms: true } }],
    ['maskIP on', { maskIP: true }],
    ['maskIP on, spelled as a string', { maskIP: 'on' }],
  ])('differs with %s', (_label, change) => {
    expect(of({ ...base, ...change })).not.toBe(of(base));
  });

  it.each<[string, object]>([
    ['debug', { debug: true }],
    ['batching', { batching: { size: 20 } }],
    ['the write key', { writeKey: 'other' }],
    ['an initial page view', { agent: { initialPageView: true } }],
    ['maskIP off (its digest stays that of earlier releases, which left it out)', { maskIP: false }],
  ])('is the same when only %s changes (what a call holds stays the same)', (_label, change) => {
    expect(of({ ...base, ...change })).toBe(of(base));
  });
});

describe('shapesCalls', () => {
  it.each<[string, object, TransformKind, boolean]>([
    ['no key set', { writeKey: 'wk', debug: true, batching: { size: 5 } }, 'none', false],
    ['maskIP off', { maskIP: 'false' }, 'none', false],
    ['maskIP on', { maskIP: true }, 'none', true],
    ['userIdTransform none written out', { userIdTransform: 'none' }, 'none', true],
    ['sha-256', { userIdTransform: 'sha-256' }, 'sha-256', true],
    ['a transform in code', {}, 'function', true],
    ['a redaction rule', { redact: { queryParams: ['ticket'] } }, 'none', true],
  ])('%s: %s', (_label, segment, transform, shapes) => {
    const settings = withTransform(of(segment), transform);
    expect(shapesCalls(settings)).toBe(shapes);
    expect(transformOf(settings)).toBe(transform);
  });
});
