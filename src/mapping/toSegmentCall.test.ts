import { BackstageEvent } from './BackstageEvent';
import { toSegmentCall } from './toSegmentCall';
import { expectMapping, legacyContext, MappingCase, page, timestamp } from '../__testUtils__/mappingTable';

/** Every core action, in the public plugin's layout; page calls put the page's fields first. Contexts: toSegmentCall.contexts.test.ts. */
const cases: MappingCase[] = [
  {
    name: 'navigate -> page call, with attributes (route params) and the page fields',
    event: {
      action: 'navigate',
      subject: '/catalog/default/component/foo?tab=api',
      attributes: { namespace: 'default', kind: 'component', name: 'foo' },
      context: { ...legacyContext, entityRef: 'component:default/foo' },
    },
    expected: {
      type: 'page',
      page,
      timestamp,
      properties: {
        url: page.url,
        path: page.path,
        search: page.search,
        title: page.title,
        referrer: page.referrer,
        subject: '/catalog/default/component/foo?tab=api',
        action: 'navigate',
        value: undefined,
        routeRef: 'catalog:entity',
        pluginId: 'catalog',
        extensionId: 'CatalogEntityPage',
        category: 'CatalogEntityPage',
        attributes: { namespace: 'default', kind: 'component', name: 'foo' },
        additionalContext: { entityRef: 'component:default/foo' },
      },
    },
  },
  {
    name: 'click -> track(action)',
    event: {
      action: 'click',
      subject: 'View API',
      attributes: { to: '/api-docs/default/api/foo' },
      context: { ...legacyContext, entityRef: 'component:default/foo' },
    },
    expected: {
      type: 'track',
      event: 'click',
      page,
      timestamp,
      properties: {
        subject: 'View API',
        action: 'click',
        value: undefined,
        routeRef: 'catalog:entity',
        pluginId: 'catalog',
        extensionId: 'CatalogEntityPage',
        category: 'CatalogEntityPage',
        attributes: { to: '/api-docs/default/api/foo' },
        additionalContext: { entityRef: 'component:default/foo' },
      },
    },
  },
  {
    name: 'search -> track(action), searchTypes in additionalContext, value is the result count',
    event: {
      action: 'search',
      subject: 'kafka',
      value: 12,
      context: { pluginId: 'search', routeRef: 'search', extension: 'SearchPage', searchTypes: 'software-catalog' },
    },
    expected: {
      type: 'track',
      event: 'search',
      page,
      timestamp,
      properties: {
        subject: 'kafka',
        action: 'search',
        value: 12,
        routeRef: 'search',
        pluginId: 'search',
        extensionId: 'SearchPage',
        category: 'SearchPage',
        attributes: undefined,
        additionalContext: { searchTypes: 'software-catalog' },
      },
    },
  },
  {
    name: 'discover -> track(action), value is the rank',
    event: {
      action: 'discover',
      subject: 'Kafka topics',
      value: 3,
      attributes: { to: '/docs/default/component/kafka' },
      context: { pluginId: 'search', routeRef: 'search', extension: 'SearchPage', searchTypes: 'techdocs' },
    },
    expected: {
      type: 'track',
      event: 'discover',
      page,
      timestamp,
      properties: {
        subject: 'Kafka topics',
        action: 'discover',
        value: 3,
        routeRef: 'search',
        pluginId: 'search',
        extensionId: 'SearchPage',
        category: 'SearchPage',
        attributes: { to: '/docs/default/component/kafka' },
        additionalContext: { searchTypes: 'techdocs' },
      },
    },
  },
  {
    name: 'create -> track(subject), value 0 kept',
    event: {
      action: 'create',
      subject: 'new-service',
      value: 0,
      context: {
        pluginId: 'scaffolder',
        routeRef: 'scaffolder:template',
        extension: 'ScaffolderPage',
        entityRef: 'template:default/springboot',
      },
    },
    expected: {
      type: 'track',
      event: 'new-service',
      page,
      timestamp,
      properties: {
        subject: 'new-service',
        action: 'create',
        value: 0,
        routeRef: 'scaffolder:template',
        pluginId: 'scaffolder',
        extensionId: 'ScaffolderPage',
        category: 'ScaffolderPage',
        attributes: undefined,
        additionalContext: { entityRef: 'template:default/springboot' },
      },
    },
  },
  {
    name: 'not-found -> track(action)',
    event: {
      action: 'not-found',
      subject: '/does/not/exist',
      context: { pluginId: 'app', routeRef: 'unknown', extension: 'App' },
    },
    expected: {
      type: 'track',
      event: 'not-found',
      page,
      timestamp,
      properties: {
        subject: '/does/not/exist',
        action: 'not-found',
        value: undefined,
        routeRef: 'unknown',
        pluginId: 'app',
        extensionId: 'App',
        category: 'App',
        attributes: undefined,
        additionalContext: {},
      },
    },
  },
];

describe('toSegmentCall', () => {
  it.each(cases)('$name', c => expectMapping(c));

  it('keeps the capture time it is given', () => {
    const call = toSegmentCall(cases[1].event, page, timestamp);
    expect(call.timestamp).toBe(timestamp);
  });

  it('does not share attributes or context with the event: changing the call leaves the event alone', () => {
    const event: BackstageEvent = {
      action: 'click',
      subject: 's',
      attributes: { a: 1 },
      context: { ...legacyContext, entityRef: 'component:default/foo' },
    };
    const call = toSegmentCall(event, page, timestamp);
    (call.properties.attributes as Record<string, unknown>).a = 2;
    (call.properties.additionalContext as Record<string, unknown>).entityRef = 'changed';
    expect(event.attributes).toEqual({ a: 1 });
    expect(event.context.entityRef).toBe('component:default/foo');
  });

  it('the page of a page call is the page it is given', () => {
    const call = toSegmentCall({ action: 'navigate', subject: '/x', context: legacyContext }, page, timestamp);
    expect(call.page).toStrictEqual(page);
  });
});

describe('toSegmentCall event names are always non-empty strings', () => {
  it.each<[string, unknown, string, string]>([
    ['create, empty subject', { action: 'create', subject: '', context: legacyContext }, 'create', ''],
    ['create, blank subject', { action: 'create', subject: ' \t', context: legacyContext }, 'create', ' \t'],
    ['create, object subject', { action: 'create', subject: { event: 'x' }, context: legacyContext }, 'create', '[unsupported]'],
    ['create, number subject', { action: 'create', subject: 7, context: legacyContext }, '7', '7'],
    ['create, null subject', { action: 'create', subject: null, context: legacyContext }, 'create', ''],
    ['empty action', { action: '', subject: 's', context: legacyContext }, 'unknown', 's'],
    ['blank action', { action: '  ', subject: 's', context: legacyContext }, 'unknown', 's'],
    ['object action', { action: { a: 1 }, subject: 's', context: legacyContext }, 'unknown', 's'],
    ['no event at all', undefined, 'unknown', ''],
  ])('%s -> track(%j), subject %j', (_name, event, name, subject) => {
    const call = toSegmentCall(event as BackstageEvent, page, timestamp);
    expect(call).toMatchObject({ type: 'track', event: name });
    expect(call.properties.subject).toBe(subject);
    expect(typeof call.properties.action).toBe('string');
    expect(call.properties.action).not.toBe('');
  });
});
