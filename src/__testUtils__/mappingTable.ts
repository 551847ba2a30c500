import { BackstageEvent } from '../mapping/BackstageEvent';
import { PageInfo, SegmentCall } from '../mapping/SegmentCall';
import { toSegmentCall } from '../mapping/toSegmentCall';
import { deepFreeze } from './deepFreeze';

export { deepFreeze };

/** The page the mapping tables' events happen on. */
export const page: PageInfo = {
  url: 'https://backstage.example.com/catalog/default/component/foo?tab=api',
  path: '/catalog/default/component/foo',
  search: '?tab=api',
  title: 'foo | Backstage',
  referrer: 'https://backstage.example.com/catalog',
};

/** The capture time of the mapping tables' events. */
export const timestamp = new Date('2024-05-06T07:08:09.010Z');

/** A legacy-frontend-system context, as Backstage builds it on an entity page. */
export const legacyContext = {
  pluginId: 'catalog',
  routeRef: 'catalog:entity',
  extension: 'CatalogEntityPage',
};

/** A Backstage event and the Segment call it must become. */
export type MappingCase = {
  name: string;
  event: BackstageEvent;
  expected: SegmentCall;
};

/** The public plugin's property keys. */
export const LAYOUT_KEYS = [
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
/** The page fields page calls carry first. */
export const PAGE_KEYS = ['url', 'path', 'search', 'title', 'referrer'];

/**
 * Maps a case's event, frozen, and checks the call: exactly the expected
 * one, exactly the public plugin's keys (plus the page fields on page
 * calls), and the event unchanged.
 */
export function expectMapping({ event, expected }: MappingCase): void {
  const before = structuredClone(event);
  const frozen = deepFreeze(event);
  const call = toSegmentCall(frozen, page, timestamp);
  expect(call).toStrictEqual(expected);
  const keys = call.type === 'page' ? [...PAGE_KEYS, ...LAYOUT_KEYS] : LAYOUT_KEYS;
  expect(Object.keys(call.properties).sort()).toEqual([...keys].sort());
  expect(frozen).toStrictEqual(before);
}
