import { startPageEvent } from './startPageEvent';

const at = (pathname: string, search = '', hash = '') => ({ pathname, search, hash });

describe('startPageEvent', () => {
  it.each<[string, ReturnType<typeof at>, string | undefined, string]>([
    ['the path as it is, with no base path', at('/catalog/default'), undefined, '/catalog/default'],
    ['query and fragment kept', at('/docs', '?q=1', '#top'), undefined, '/docs?q=1#top'],
    ['the base path taken off', at('/backstage/catalog'), '/backstage', '/catalog'],
    ['the base path alone is the root', at('/backstage'), '/backstage', '/'],
    ['the base path with its slash is the root', at('/backstage/'), '/backstage', '/'],
    ['the base path in another case', at('/BackStage/catalog', '?x'), '/backstage', '/catalog?x'],
    ['a path that only starts like the base path is left whole', at('/backstage-docs/x'), '/backstage', '/backstage-docs/x'],
    ['a path outside the base path is left whole', at('/elsewhere'), '/backstage', '/elsewhere'],
  ])('%s', (_, location, basePath, subject) => {
    expect(startPageEvent(location, basePath)).toEqual({
      action: 'navigate',
      subject,
      context: { routeRef: 'unknown', pluginId: 'root', extension: 'App' },
    });
  });
});
