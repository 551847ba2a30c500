import { applyTeamOptions } from './applyTeamOptions';
import { SegmentCall } from '../mapping/SegmentCall';
import { toSegmentCall } from '../mapping/toSegmentCall';

const page = { url: 'http://x/catalog', path: '/catalog', search: '', title: 'Catalog', referrer: '' };
const at = new Date('2026-01-02T03:04:05.000Z');
const context = { routeRef: 'catalog', pluginId: 'catalog', extension: 'CatalogIndexPage' };

const track = (action: string, subject = 'Docs', value?: number) =>
  toSegmentCall({ action, subject, value, context }, page, at);
const navigate = () => toSegmentCall({ action: 'navigate', subject: '/catalog', context }, page, at);

const none = { extraProperties: {}, eventNames: {} };
const names = { click: 'Link Clicked', search: 'Search Performed', create: 'Entity Created' };

const eventOf = (call: SegmentCall) => (call.type === 'track' ? call.event : '(page)');

describe('applyTeamOptions', () => {
  it.each<[string, SegmentCall]>([
    ['a track call', track('click')],
    ['a page call', navigate()],
    ['a create call', track('create', 'my-service')],
  ])('with no options, %s is returned as it is', (_label, call) => {
    expect(applyTeamOptions(call, none)).toBe(call);
  });

  describe('eventNames', () => {
    it.each<[string, SegmentCall, string]>([
      ['a mapped action is renamed', track('click'), 'Link Clicked'],
      ['another mapped action', track('search', 'query'), 'Search Performed'],
      ['an unmapped action keeps its name', track('discover'), 'discover'],
      ['create, mapped, takes the mapped name', track('create', 'my-service'), 'Entity Created'],
      ['a custom action keeps its name', track('deploy', 'svc'), 'deploy'],
      ['an action named like an Object method is not renamed', track('toString'), 'toString'],
      ['__proto__ is not renamed', track('__proto__'), '__proto__'],
    ])('%s', (_label, call, expected) => {
      expect(eventOf(applyTeamOptions(call, { extraProperties: {}, eventNames: names }))).toBe(expected);
    });

    it('create keeps its subject as the name unless create is mapped', () => {
      const call = applyTeamOptions(track('create', 'my-service'), { extraProperties: {}, eventNames: { click: 'Link Clicked' } });
      expect(eventOf(call)).toBe('my-service');
    });

    it('the properties keep the Backstage action and subject', () => {
      const call = applyTeamOptions(track('click', 'Docs'), { extraProperties: {}, eventNames: names });
      expect(call.properties).toStrictEqual(track('click', 'Docs').properties);
    });

    it('page calls are not renamed', () => {
      const call = navigate();
      expect(applyTeamOptions(call, { extraProperties: {}, eventNames: { navigate: 'Page Viewed' } })).toBe(call);
    });
  });

  describe('extraProperties', () => {
    const extra = { environment: 'production', portal: 'acme-internal' };

    it('are added to track calls, after the event fields', () => {
      const call = applyTeamOptions(track('click', 'Docs', 3), { extraProperties: extra, eventNames: {} });
      expect(call.properties).toStrictEqual({ ...track('click', 'Docs', 3).properties, ...extra });
      expect(Object.keys(call.properties).slice(-2)).toEqual(['environment', 'portal']);
    });

    it('are added to page calls', () => {
      const call = applyTeamOptions(navigate(), { extraProperties: extra, eventNames: {} });
      expect(call.type).toBe('page');
      expect(call.properties).toMatchObject({ ...extra, path: '/catalog', action: 'navigate' });
    });

    it.each<[string, Record<string, string>, SegmentCall, Record<string, unknown>]>([
      ['subject', { subject: 'x' }, track('click', 'Docs'), { subject: 'Docs' }],
      ['action', { action: 'x' }, track('click'), { action: 'click' }],
      ['value, even when the event has none', { value: 'x' }, track('click'), { value: undefined }],
      ['value 0', { value: 'x' }, track('click', 'Docs', 0), { value: 0 }],
      ['pluginId', { pluginId: 'x' }, track('click'), { pluginId: 'catalog' }],
      ['category', { category: 'x' }, track('click'), { category: 'CatalogIndexPage' }],
      ['attributes', { attributes: 'x' }, track('click'), { attributes: undefined }],
      ['a page field (path)', { path: '/forged' }, navigate(), { path: '/catalog' }],
      ['a page field (url)', { url: 'http://forged/' }, navigate(), { url: 'http://x/catalog' }],
    ])('never override the event field %s', (_label, extraProperties, call, expected) => {
      const result = applyTeamOptions(call, { extraProperties, eventNames: {} });
      for (const [key, value] of Object.entries(expected)) expect(result.properties[key]).toBe(value);
    });

    it('a name that is an event field on page calls only is added to track calls', () => {
      const result = applyTeamOptions(track('click'), { extraProperties: { path: '/p' }, eventNames: {} });
      expect(result.properties.path).toBe('/p');
    });

    it('a __proto__ name is an ordinary property, not a prototype', () => {
      const extraProperties = Object.fromEntries([['__proto__', 'polluted']]);
      const result = applyTeamOptions(track('click'), { extraProperties, eventNames: {} });
      expect(Object.getPrototypeOf(result.properties)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(result.properties, '__proto__')?.value).toBe('polluted');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('with eventNames too, both apply', () => {
      const result = applyTeamOptions(track('click'), { extraProperties: extra, eventNames: names });
      expect([eventOf(result), result.properties.environment]).toEqual(['Link Clicked', 'production']);
    });
  });

  it('does not change the call it is given', () => {
    const call = track('click', 'Docs');
    const before = JSON.parse(JSON.stringify(call));
    Object.freeze(call.properties);
    Object.freeze(call);
    const result = applyTeamOptions(call, { extraProperties: { environment: 'p' }, eventNames: names });
    expect(result).not.toBe(call);
    expect(JSON.parse(JSON.stringify(call))).toStrictEqual(before);
    expect(result.timestamp).toBe(call.timestamp);
    expect(result.page).toBe(call.page);
  });
});
