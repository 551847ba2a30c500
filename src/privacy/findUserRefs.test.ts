import { replaceInOriginal } from '../text/textView';
import { findUserRefs, ownRefOf } from './findUserRefs';

const OWN = ownRefOf('user:default/jane.doe');

/** The text with each ref found replaced by `<ref>` (`<own>` for the signed-in user's). */
function marked(text: string, isPseudonym: (name: string) => boolean = () => false): string {
  const { view, found } = findUserRefs(text, OWN, isPseudonym);
  return replaceInOriginal(
    text,
    view,
    found.map(f => ({ from: f.from, to: f.to, text: f.own ? '<own>' : `<${f.ref}>` })),
  );
}

describe('findUserRefs', () => {
  it.each<[string, string, string]>([
    ['the full ref', 'user:default/jane.doe', '<own>'],
    ['another user', 'owner user:default/bob, ok', 'owner <user:default/bob>, ok'],
    ['the short form (namespace default)', 'user:jane.doe', '<own>'],
    ['the short form of another user', 'user:bob', '<user:default/bob>'],
    ['another namespace', 'user:eng/jane.doe', '<user:eng/jane.doe>'],
    ['any letter case', 'USER:Default/JANE.DOE', '<own>'],
    ['the kind capitalized, the name mixed', 'User:default/Bob.Smith', '<user:default/bob.smith>'],
    ['percent-encoded', '/graph?rootEntityRefs%5B%5D=user%3Adefault%2Fjane.doe', '/graph?rootEntityRefs%5B%5D=<own>'],
    ['percent-encoded twice', '?next=%3Fq%3Duser%25253Adefault%25252Fbob', '?next=%3Fq%3D<user:default/bob>'],
    ['encoded letters', '%75ser%3A%6Aane.doe', '<own>'],
    ['lower-case escapes', 'user%3adefault%2fbob', '<user:default/bob>'],
    ['full-width letters', 'ｕｓｅｒ：ｄｅｆａｕｌｔ／ｊａｎｅ．ｄｏｅ', '<own>'],
    ['a zero-width space inside', 'user:default/jane\u200b.doe', '<own>'],
    ['the catalog page of the user', '/catalog/default/user/jane.doe', '/catalog/default/user/<own>'],
    ['a tab of another user\'s page', 'https://b.example.com/catalog/default/user/bob/ownership?x=1', 'https://b.example.com/catalog/default/user/<user:default/bob>/ownership?x=1'],
    ['the catalog page in capitals', '/Catalog/DEFAULT/User/Jane.Doe', '/Catalog/DEFAULT/User/<own>'],
    ['the catalog page encoded', '?to=%2Fcatalog%2Fdefault%2Fuser%2Fbob', '?to=%2Fcatalog%2Fdefault%2Fuser%2F<user:default/bob>'],
    ['the own ref without its kind', 'owned by default/jane.doe.', 'owned by <own>.'],
    ['the own ref without its kind, encoded', 'q=default%2FJane.Doe', 'q=<own>'],
    ['a sentence ending after a ref', 'ask user:default/bob.', 'ask <user:default/bob>.'],
    ['two refs', 'user:a and user:b', '<user:default/a> and <user:default/b>'],
    ['Unicode names: decomposed is read as composed', 'user:default/jose\u0301', '<user:default/josé>'],
    ['the slash escaped, as some JSON writers do', 'user:default\\/jane.doe', '<own>'],
    ['a doubled slash', 'user:default//bob', '<user:default/bob>'],
    ['after a kind ending in "user"', 'ownerUser:default/jane.doe xuser:default/jane.doe', 'ownerUser:<own> xuser:<own>'],
    ['doubled slashes in the catalog path', '/catalog//default/user//bob/', '/catalog//default/user//<user:default/bob>/'],
    ['the catalog page of a user in a namespace named "user"', '/catalog/user/user/bob', '/catalog/user/user/<user:user/bob>'],
    ['the same, doubled slashes', '/catalog/user//user/bob', '/catalog/user//user/<user:user/bob>'],
    ['a user named "user", then a path', '/catalog/default/user/user/x', '/catalog/default/user/<user:default/user>/x'],
    ['the own ref without its kind, the slash escaped', '{"owner":"default\\/jane.doe"}', '{"owner":"<own>"}'],
    // Not user refs.
    ['a docs page of another kind', '/docs/default/component/user', '/docs/default/component/user'],
    ["an API's documentation", 'https://api.example.com/docs/v1/user/create', 'https://api.example.com/docs/v1/user/create'],
    ['another route', '/mycatalog/default/user/bob', '/mycatalog/default/user/bob'],
    ['another kind', 'group:default/jane.doe component:default/x', 'group:default/jane.doe component:default/x'],
    ['a longer kind', 'superuser:root', 'superuser:root'],
    ['a longer name', 'default/jane.doe2 and default/jane.doe.x', 'default/jane.doe2 and default/jane.doe.x'],
    ['a component page', '/catalog/default/component/user', '/catalog/default/component/user'],
    ['"user" alone', 'user settings, user: none', 'user settings, user: none'],
    ['another path with /user/', '/settings/user/jane.doe', '/settings/user/jane.doe'],
  ])('%s', (_name, input, expected) => {
    expect(marked(input)).toBe(expected);
  });

  it('leaves a name that is already a pseudonym, so pseudonymizing twice changes nothing', () => {
    const isPseudonym = (name: string) => name === '0f1e';
    expect(marked('/catalog/default/user/0f1e user:0f1e user:bob', isPseudonym)).toBe(
      '/catalog/default/user/0f1e user:0f1e <user:default/bob>',
    );
  });

  it("leaves a pseudonym of the app's own that is not one run of name characters (emp:16b, a@b)", () => {
    const isPseudonym = (name: string) => name === 'emp:16b' || name === 'a@b';
    expect(marked('/catalog/default/user/emp:16b/ownership user:a@b, user:emp', isPseudonym)).toBe(
      '/catalog/default/user/emp:16b/ownership user:a@b, <user:default/emp>',
    );
  });

  it('ownRefOf: the keys of a user ref, its kind and namespace left out or not; nothing for another kind', () => {
    expect(ownRefOf('user:Default/Jane.Doe')).toEqual({ key: 'user:default/jane.doe', kindless: 'default/jane.doe' });
    expect(ownRefOf('user:jane')).toEqual({ key: 'user:default/jane', kindless: 'default/jane' });
    expect(ownRefOf('group:default/team')).toBeUndefined();
    // As an identity API of the app's own may give it: spaces around it, no kind, no namespace.
    expect(ownRefOf(' user:default/jane.doe ')).toEqual({ key: 'user:default/jane.doe', kindless: 'default/jane.doe' });
    expect(ownRefOf('default/jane.doe')).toEqual({ key: 'user:default/jane.doe', kindless: 'default/jane.doe' });
    expect(ownRefOf('jane.doe')).toEqual({ key: 'user:default/jane.doe', kindless: 'default/jane.doe' });
    expect(ownRefOf('')).toBeUndefined();
    expect(ownRefOf('user:')).toBeUndefined();
  });

  it.each([
    ['a dotless i', 'user:default/\u0131nga', 'user:default/inga'],
    ['a dotted capital I', 'user:default/\u0130NGA', 'user:default/inga'],
    ['Turkish upper case', 'user:default/inga'.toLocaleUpperCase('tr'), 'user:default/inga'],
    ['a sharp s and SS', 'user:default/STRASSE', 'user:default/straße'],
    ['NFD and NFC', 'user:default/jose\u0301', 'user:default/jos\u00e9'],
  ])('the own ref in any Unicode spelling: %s', (_name, text, own) => {
    const { found } = findUserRefs(text, ownRefOf(own), () => false);
    expect(found.map(f => f.own)).toEqual([true]);
  });
});
