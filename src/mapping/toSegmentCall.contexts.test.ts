import { BackstageEvent } from './BackstageEvent';
import { expectMapping, legacyContext, MappingCase, page, timestamp } from '../__testUtils__/mappingTable';

/** Custom actions and the contexts of both frontend systems, in the public plugin's layout. */
const cases: MappingCase[] = [
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
  {
    name: "an empty extensionId falls back to extension (as the public module's `||`)",
    event: { action: 'click', subject: 'Open', context: { pluginId: 'app', extension: 'App', extensionId: '' } },
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
        pluginId: 'app',
        extensionId: 'App',
        category: 'App',
        attributes: undefined,
        additionalContext: {},
      },
    },
  },
  {
    name: 'an extension that is not text: extensionId as given, category as text',
    event: { action: 'click', subject: 'Open', context: { routeRef: 'r', pluginId: 'app', extension: 5 as unknown as string } }, // a plugin without types
    expected: {
      type: 'track',
      event: 'click',
      page,
      timestamp,
      properties: {
        subject: 'Open',
        action: 'click',
        value: undefined,
        routeRef: 'r',
        pluginId: 'app',
        extensionId: 5,
        category: '5',
        attributes: undefined,
        additionalContext: {},
      },
    },
  },
];

describe('toSegmentCall with custom actions and contexts', () => {
  it.each(cases)('$name', c => expectMapping(c));
});
