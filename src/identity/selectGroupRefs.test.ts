import { selectGroupRefs } from './selectGroupRefs';

const JANE = 'user:default/jane';

describe('selectGroupRefs', () => {
  it.each<[string, unknown, number, string[]]>([
    ['only group refs, sorted', [JANE, 'group:default/zeta', 'component:default/x', 'group:default/alpha'], 10, ['group:default/alpha', 'group:default/zeta']],
    ['the same refs in another order give the same list', ['group:default/alpha', JANE, 'group:default/zeta'], 10, ['group:default/alpha', 'group:default/zeta']],
    ['at most the limit, the first ones in order', ['group:x/c', 'group:x/a', 'group:x/d', 'group:x/b'], 2, ['group:x/a', 'group:x/b']],
    ['a limit of 1', ['group:x/b', 'group:x/a'], 1, ['group:x/a']],
    ['each ref once', ['group:x/a', 'group:x/a', 'group:x/b'], 10, ['group:x/a', 'group:x/b']],
    ['code-unit order, not locale order', ['group:x/b', 'group:x/B', 'group:x/a', 'group:x/é'], 10, ['group:x/B', 'group:x/a', 'group:x/b', 'group:x/é']],
    ['the kind in any case', ['Group:default/ops'], 10, ['Group:default/ops']],
    ['no groups', [JANE], 10, []],
    ['a bare "group:" is no ref', ['group:', 'groups:default/x', 'mygroup:default/x'], 10, []],
    ['hostile entries are skipped', [null, 42, { ref: 'group:x/a' }, ['group:x/b'], 'group:x/c'], 10, ['group:x/c']],
    ['not a list at all', 'group:x/a', 10, []],
    ['undefined', undefined, 10, []],
  ])('%s', (_label, refs, limit, expected) => {
    expect(selectGroupRefs(refs, limit)).toEqual(expected);
  });
});
