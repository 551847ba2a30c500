import { ConfigReader } from '@backstage/config';
import { readSegmentConfig } from './readSegmentConfig';
import { EnabledSegmentConfig } from './SegmentConfig';

const read = (segment: object) =>
  readSegmentConfig(new ConfigReader({ app: { analytics: { segment: { writeKey: 'wk', ...segment } } } })) as EnabledSegmentConfig;

const P = 'Invalid config app.analytics.segment.consent';

describe('app.analytics.segment.consent', () => {
  it('is absent without the block (the opt-out default applies)', () => {
    expect(read({}).consent).toBeUndefined();
  });

  it('reads the regime and the wait, with defaults', () => {
    expect(read({ consent: { default: 'opt-in', waitMs: 250 } }).consent).toEqual({ default: 'opt-in', waitMs: 250 });
    expect(read({ consent: {} }).consent).toEqual({ default: 'opt-out', waitMs: 3000 });
  });

  it.each<[string, object, string]>([
    ['an unknown regime', { default: 'optin' }, `${P}.default: expected 'opt-out' or 'opt-in' (got 'optin')`],
    ['a negative wait', { waitMs: -1 }, `${P}.waitMs: expected a whole number from 0 to 600000 (got -1)`],
    ['a misspelled key', { defualt: 'opt-in' }, `${P}.defualt: unknown key (expected one of default, waitMs)`],
  ])('refuses %s, naming the key', (_name, consent, message) => {
    expect(() => read({ consent })).toThrow(message);
  });

  it('refuses a block that is not an object', () => {
    expect(() => read({ consent: 'opt-in' })).toThrow(`${P}: expected an object with default and/or waitMs`);
  });
});
