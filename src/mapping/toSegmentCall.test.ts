import { BackstageEvent } from './BackstageEvent';
import { PageInfo, SegmentCall } from './SegmentCall';
import { toSegmentCall } from './toSegmentCall';

/** Freezes an object and everything reachable from it, so any write throws (test files are strict mode). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

const page: PageInfo = {
  url: 'https://backstage.example.com/catalog/default/component/foo?tab=api',
  path: '/catalog/default/component/foo',
  search: '?tab=api',
  title: 'foo | Backstage',
  referrer: 'https://backstage.example.com/catalog',
};

const timestamp = new Date('2024-05-06T07:08:09.010Z');

/** A legacy-frontend-system context, as Backstage builds it on an entity page. */
const legacyContext = {
  pluginId: 'catalog',
  routeRef: 'catalog:entity',
  extension: 'CatalogEntityPage',
};

type Case = {
  name: string;
  event: BackstageEvent;
  expected: SegmentCall;
};

/** The public plugin's layout; page calls put the page's fields first. */
const cases: Case[] = [
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
  {
    name: 'custom action -> track(action), with value and attributes',
    event: {
      action: 'playground-custom',
      subject: 'Fire custom event',
      value: 42,
      attributes: { color: 'blue', big: true, count: 7 },
      context: { ...legacyContext, entityRef: 'component:default/foo', releaseTrain: 'r42' },
    },
    expected: {
      type: 'track',
      event: 'playground-custom',
      page,
      timestamp,
      properties: {
        subject: 'Fire custom event',
        action: 'playground-custom',
        value: 42,
        routeRef: 'catalog:entity',
        pluginId: 'catalog',
        extensionId: 'CatalogEntityPage',
        category: 'CatalogEntityPage',
        attributes: { color: 'blue', big: true, count: 7 },
        additionalContext: { entityRef: 'component:default/foo', releaseTrain: 'r42' },
      },
    },
  },
  {
    name: 'no extension in the context -> category app, extensionId undefined',
    // Not a well-typed event: Backstage's context normally carries an extension.
    event: {
      action: 'click',
      subject: 'Home',
      context: { pluginId: 'root', routeRef: 'unknown' },
    } as BackstageEvent,
    expected: {
      type: 'track',
      event: 'click',
      page,
      timestamp,
      properties: {
        subject: 'Home',
        action: 'click',
        value: undefined,
        routeRef: 'unknown',
        pluginId: 'root',
        extensionId: undefined,
        category: 'app',
        attributes: undefined,
        additionalContext: {},
      },
    },
  },
  {
    name: 'New Frontend System context: extensionId, no routeRef',
    event: {
      action: 'navigate',
      subject: '/catalog',
      context: { pluginId: 'catalog', extensionId: 'page:catalog' },
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
        subject: '/catalog',
        action: 'navigate',
        value: undefined,
        routeRef: undefined,
        pluginId: 'catalog',
        extensionId: 'page:catalog',
        category: 'page:catalog',
        attributes: undefined,
        additionalContext: {},
      },
    },
  },
  {
    name: 'extensionId wins over extension; neither lands in additionalContext',
    event: {
      action: 'click',
      subject: 'Open',
      context: { pluginId: 'catalog', extension: 'Legacy', extensionId: 'entity-card:catalog/about', entityRef: 'x:y/z' },
    },
    expected: {
      type: 'track',
      event: 'click',
      page,
      timestamp,
      properties: {
        subject: 'Open',
        action: 'click',
        value: undefined,
        routeRef: undefined,
        pluginId: 'catalog',
        extensionId: 'entity-card:catalog/about',
        category: 'entity-card:catalog/about',
        attributes: undefined,
        additionalContext: { entityRef: 'x:y/z' },
      },
    },
  },
];

const LAYOUT_KEYS = [
  'subject',
  'action',
  'value',
  'routeRef',
  'pluginId',
  'extensionId',
  'category',
  'attributes',
  'additionalContext',
];
const PAGE_KEYS = ['url', 'path', 'search', 'title', 'referrer'];

describe('toSegmentCall', () => {
  it.each(cases)('$name', ({ event, expected }) => {
    const before = structuredClone(event);
    const frozen = deepFreeze(event);

    const call = toSegmentCall(frozen, page, timestamp);

    expect(call).toStrictEqual(expected);
    // Exactly the public plugin's keys, plus the page fields on page calls: nothing else.
    const keys = call.type === 'page' ? [...PAGE_KEYS, ...LAYOUT_KEYS] : LAYOUT_KEYS;
    expect(Object.keys(call.properties).sort()).toEqual([...keys].sort());
    // The event, shared with other analytics implementations, is unchanged.
    expect(frozen).toStrictEqual(before);
  });

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
