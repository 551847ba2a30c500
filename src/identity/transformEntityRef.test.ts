import { containsRef, MAX_REMEMBERED_IDS, oncePerRef, transformEntityRef } from './transformEntityRef';

describe('containsRef: the ref in any spelling', () => {
  it.each<[string, string, string]>([
    ['the ref itself', 'user:default/jane', 'id-user:default/jane'],
    ['upper case', 'user:default/jane', 'USER:DEFAULT/JANE'],
    ['a dotless i upper-cased', 'user:default/\u0131nga', 'USER:DEFAULT/INGA'],
    ['an i upper-cased in Turkish', 'user:default/inga', 'user:default/inga'.toLocaleUpperCase('tr')],
    ['a dotted capital I lower-cased in Turkish', 'user:default/\u0130nga', 'user:default/\u0130nga'.toLocaleLowerCase('tr')],
    ['a sharp s upper-cased', 'user:default/stra\u00dfe', 'USER:DEFAULT/STRASSE'],
    ['a capital sharp s', 'user:default/STRA\u1e9eE', 'user:default/strasse'],
    ['NFD of an NFC ref', 'user:default/jos\u00e9', 'user:default/jose\u0301'],
    ['NFC of an NFD ref', 'user:default/jose\u0301', 'x-user:default/jos\u00e9'],
    ['NFKC: full-width letters', 'user:default/jane', '\uff35\uff33\uff25\uff32:default/jane'],
    ['a ligature', 'user:default/fina', 'user:default/\ufb01na'],
    ['Greek final sigma', 'user:default/\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2', 'USER:DEFAULT/\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3'],
    ['a soft hyphen inside', 'user:default/jane', 'user:default/ja\u00adne'],
    ['percent-encoded', 'user:default/jane', 'user%3Adefault%2Fjane'],
    ['percent-encoded twice', 'user:default/jane', 'user%253Adefault%252Fjane'],
    ['without the kind', 'user:default/jane.doe', 'DEFAULT/JANE.DOE'],
    ['a group ref without its kind', 'group:default/team-a', 'id:default/team-a'],
    ['a short ref (default namespace) without its kind', 'user:jane.doe', 'default/jane.doe'],
    ['a short ref as Backstage writes it in full', 'user:jane.doe', 'user:default/jane.doe'],
    ['a ref with spaces around it', ' user:default/jane.doe ', 'user:default/jane.doe'],
    ['a ref with spaces around it, without its kind', ' user:default/jane.doe ', 'x-default/jane.doe'],
  ])('%s', (_name, ref, id) => {
    expect(containsRef(id, ref)).toBe(true);
  });

  it.each<[string, string, string]>([
    ['a digest', 'user:default/jane', '5d35f8c857d864a884bc870ad6bad7bfc242bb70015af58617522b1a7486e99d'],
    ['only the name', 'user:default/jane', 'jane'],
    ['only the name of a short ref', 'user:jane', 'jane'],
    ['another namespace of a short ref', 'user:jane', 'other/jane'],
    ['another accent', 'user:default/jos\u00e9', 'user:default/jos\u00e8'],
  ])('not: %s', (_name, ref, id) => {
    expect(containsRef(id, ref)).toBe(false);
  });

  it('a transform whose id holds the ref in another Unicode spelling is refused, the ref in no message', async () => {
    const ref = 'user:default/\u0131nga';
    const error = (await transformEntityRef(ref, async r => r.toUpperCase(), undefined).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/contains the plaintext entity ref; it is refused/);
    expect(error.message.toLowerCase()).not.toMatch(/nga/);
  });
});

describe('oncePerRef', () => {
  it("asks the app's function once per ref, so a function whose answer changes still gives one id per user", async () => {
    let count = 0;
    const transform = oncePerRef(async (ref: string) => `${ref.length}-${++count}`);
    const ids = await Promise.all(['user:default/jane', 'user:default/jane', 'user:default/bob'].map(ref => transformEntityRef(ref, transform, undefined)));
    expect(ids).toEqual(['17-1', '17-1', '16-2']);
    expect(oncePerRef('sha-256')).toBe('sha-256');
    expect(oncePerRef(undefined)).toBeUndefined();
  });

  it('past the most it remembers, only the ref asked for least recently is asked again, not every one', async () => {
    const asked: string[] = [];
    const transform = oncePerRef(async (ref: string) => `id-${asked.push(ref)}`);
    const refs = Array.from({ length: MAX_REMEMBERED_IDS + 1 }, (_, i) => `user:default/u${i}`);
    for (const ref of refs) await transformEntityRef(ref, transform, undefined);
    asked.length = 0;
    await transformEntityRef(refs[1], transform, undefined);
    await transformEntityRef(refs.at(-1)!, transform, undefined);
    expect(asked).toEqual([]);
    await transformEntityRef(refs[0], transform, undefined);
    expect(asked).toEqual([refs[0]]);
    // refs[1] was asked for again above, so refs[2] was the one forgotten to make room for refs[0].
    await transformEntityRef(refs[1], transform, undefined);
    await transformEntityRef(refs[2], transform, undefined);
    expect(asked).toEqual([refs[0], refs[2]]);
  });
});
