import { ConfigReader } from '@backstage/config';
import { callSettingsOf } from './callSettings';

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
  ])('differs with %s', (_label, change) => {
    expect(of({ ...base, ...change })).not.toBe(of(base));
  });

  it.each<[string, object]>([
    ['debug', { debug: true }],
    ['batching', { batching: { size: 20 } }],
    ['the write key', { writeKey: 'other' }],
    ['an initial page view', { agent: { initialPageView: true } }],
  ])('is the same when only %s changes (what a call holds stays the same)', (_label, change) => {
    expect(of({ ...base, ...change })).toBe(of(base));
  });
});
