import { REDACTED } from './PrivacyConfig';
import type { Timers } from '../time/scheduler';
import { createUserPseudonyms } from './userPseudonyms';

// Verified in a shell: printf 'user:default/jane.doe' | sha256sum (and bob)
const JANE_SHA256 = 'd410da1ed71c25c5c8283dbe81f6dc56e3e447d51bed6a98dd4d17da7fc64311';
const BOB_SHA256 = '0d5a6227b250f8ab56e57fae713f3c717f6ca569337f94bbcac2995797eb7e95';
// Verified in a shell: printf 'user:default/bob' | openssl dgst -sha256 -hmac 'pepper'
const BOB_HMAC = '95f80e4bf8f57a824357faae30dd799b9a94b1e5e1377a9e8d2e72b1eb384f97';
const R = REDACTED;

/** Timers that fire only when told to. */
function manualTimers() {
  const due: Array<() => void> = [];
  const timers: Timers = {
    setTimeout: fn => due.push(fn),
    clearTimeout: () => {},
  };
  return { timers, fireAll: () => due.splice(0).forEach(fn => fn()) };
}

async function rewritten(pseudonyms: ReturnType<typeof createUserPseudonyms>, text: string) {
  const missing = new Set<string>();
  const first = pseudonyms.rewrite(text, missing);
  await pseudonyms.learn(missing);
  return { first, missing: [...missing], then: pseudonyms.rewrite(text) };
}

describe('createUserPseudonyms', () => {
  it("sha-256: a ref not seen before is the mark, reported missing; once learned, its digest", async () => {
    const pseudonyms = createUserPseudonyms({ transform: 'sha-256', timeoutMs: 5000 });
    const out = await rewritten(pseudonyms, 'see USER:default/Bob and /catalog/default/user/bob');
    expect(out).toEqual({
      first: `see ${R} and /catalog/default/user/${R}`,
      missing: ['user:default/bob'],
      then: `see ${BOB_SHA256} and /catalog/default/user/${BOB_SHA256}`,
    });
  });

  it('with a salt: HMAC-SHA-256, as the user id', async () => {
    const pseudonyms = createUserPseudonyms({ transform: 'sha-256', salt: 'pepper', timeoutMs: 5000 });
    expect((await rewritten(pseudonyms, 'user:bob')).then).toBe(BOB_HMAC);
  });

  it("the user's own ref, in any spelling or without its kind, is their user id, at once", () => {
    const pseudonyms = createUserPseudonyms({ transform: async () => 'never-called', timeoutMs: 5000 });
    pseudonyms.setOwn('user:default/jane.doe', 'u-1');
    const missing = new Set<string>();
    const text = '/catalog/default/user/Jane.Doe?q=user%3Ajane.doe owner: default/jane.doe';
    expect(pseudonyms.rewrite(text, missing)).toBe('/catalog/default/user/u-1?q=u-1 owner: u-1');
    expect(missing.size).toBe(0);
  });

  it("the own ref without its kind, percent-encoded in a text that says nothing of 'user', is their user id", () => {
    const pseudonyms = createUserPseudonyms({ transform: 'sha-256', timeoutMs: 5000 });
    pseudonyms.setOwn('user:default/jane', 'u-1');
    expect(pseudonyms.rewrite('/search?owner=default%2Fjane')).toBe('/search?owner=u-1');
    expect(pseudonyms.rewrite('/search?owner=default%2FJANE&x=1')).toBe('/search?owner=u-1&x=1');
    // Its slash escaped, as some JSON writers do.
    expect(pseudonyms.rewrite('{"owner":"default\\/Jane"}')).toBe('{"owner":"u-1"}');
  });

  it("a parameter's value in base64 that holds a user ref is redacted whole, however deep its URL is nested; others stay", () => {
    const pseudonyms = createUserPseudonyms({ transform: 'sha-256', timeoutMs: 5000 });
    pseudonyms.setOwn('user:default/jane', 'u-1');
    const cursor = encodeURIComponent(btoa(JSON.stringify({ filter: { 'relations.ownedBy': ['user:default/jane', 'group:default/a'] } })));
    const other = encodeURIComponent(btoa(JSON.stringify({ filter: { kind: 'component' }, page: 2 })));
    expect(pseudonyms.rewrite(`/catalog?cursor=${cursor}&other=${other}`)).toBe(`/catalog?cursor=[redacted]&other=${other}`);
    const nested = `/login?returnTo=${encodeURIComponent(`/catalog?cursor=${cursor}&x=1`)}`;
    expect(pseudonyms.rewrite(nested)).toBe(`/login?returnTo=${encodeURIComponent('/catalog?cursor=')}[redacted]${encodeURIComponent('&x=1')}`);
    expect(pseudonyms.rewrite(`/a?next=${encodeURIComponent(nested)}`)).not.toContain(cursor.slice(0, 20));
  });

  it('a text found to name no user before the own ref was known is looked at again once it is (set or expected)', async () => {
    const set = createUserPseudonyms({ transform: 'sha-256', timeoutMs: 5000 });
    const text = 'user settings of default/jane'; // says 'user': looked at, found to name no one, remembered as such
    expect(set.rewrite(text)).toBe(text); // no own ref yet: nothing to find
    set.setOwn('user:default/jane', 'u-1');
    expect(set.rewrite(text)).toBe('user settings of u-1');

    const expected = createUserPseudonyms({ transform: 'sha-256', timeoutMs: 5000 });
    expect(expected.rewrite(text)).toBe(text);
    expected.expectOwn('user:default/jane', Promise.resolve('u-2'));
    expect(expected.rewrite(text)).toBe(`user settings of ${R}`); // waits for the id, never the ref
    await Promise.resolve();
    expect(expected.rewrite(text)).toBe('user settings of u-2');
  });

  it("the user's ref read before their id: refs to them wait for it; the mark if it fails or is late, until it comes", async () => {
    const { timers, fireAll } = manualTimers();
    const pseudonyms = createUserPseudonyms({ transform: async () => 'never-called', timeoutMs: 100, timers });
    let answer: (id: string) => void = () => {};
    pseudonyms.expectOwn('user:default/jane.doe', new Promise<string>(resolve => (answer = resolve)));
    const missing = new Set<string>();
    expect(pseudonyms.rewrite('owner: default/jane.doe', missing)).toBe(`owner: ${R}`);
    const learned = pseudonyms.learn(missing);
    fireAll();
    await learned;
    expect(pseudonyms.rewrite('owner: default/jane.doe, user:jane.doe')).toBe(`owner: ${R}, ${R}`);
    answer('u-9');
    await Promise.resolve();
    expect(pseudonyms.rewrite('owner: default/jane.doe')).toBe('owner: u-9');

    const failing = createUserPseudonyms({ transform: async () => 'never-called', timeoutMs: 100 });
    failing.expectOwn('user:default/jane.doe', Promise.reject(new Error('down')));
    const more = new Set<string>();
    failing.rewrite('default/jane.doe', more);
    await failing.learn(more);
    expect(failing.rewrite('default/jane.doe /catalog/default/user/jane.doe')).toBe(`${R} /catalog/default/user/${R}`);
  });

  it('a custom transform is called once per ref, however often the ref is seen', async () => {
    const transform = jest.fn(async (ref: string) => `p${ref.length}`);
    const pseudonyms = createUserPseudonyms({ transform, timeoutMs: 5000 });
    const missing = new Set<string>();
    pseudonyms.rewrite('user:bob user:default/BOB', missing);
    await Promise.all([pseudonyms.learn(missing), pseudonyms.learn(missing)]);
    expect(pseudonyms.rewrite('user:bob /catalog/default/user/bob')).toBe('p16 /catalog/default/user/p16');
    expect(transform.mock.calls).toEqual([['user:default/bob']]);
  });

  it('pseudonymizing twice gives what pseudonymizing once gave', async () => {
    const pseudonyms = createUserPseudonyms({ transform: async () => 'pseudo-bob', timeoutMs: 5000 });
    const once = (await rewritten(pseudonyms, '/catalog/default/user/bob')).then;
    expect(once).toBe('/catalog/default/user/pseudo-bob');
    expect(pseudonyms.rewrite(once)).toBe(once);
    const sha = createUserPseudonyms({ transform: 'sha-256', timeoutMs: 5000 });
    const page = `/catalog/default/user/${BOB_SHA256}`;
    expect(sha.rewrite(page)).toBe(page); // a digest is a pseudonym, even in a later page load
  });

  it.each<[string, (ref: string) => Promise<string>]>([
    ['fails', async () => Promise.reject(new Error('user:default/bob is unknown'))],
    ['returns the ref', async ref => ref.toUpperCase()],
    ['returns nothing', async () => ''],
  ])('a transform that %s gives the mark at once (not after the time-out), never the ref', async (_name, transform) => {
    // Timers that never fire: the mark must come from the transform's answer, not from the time-out.
    const { timers } = manualTimers();
    const pseudonyms = createUserPseudonyms({ transform, timeoutMs: 5000, timers });
    const missing = new Set<string>();
    pseudonyms.rewrite('to user:bob!', missing);
    let learned = false;
    void pseudonyms.learn(missing).then(() => (learned = true));
    await new Promise(resolve => setTimeout(resolve, 0)); // one task: the transform's answer has come by then
    expect(learned).toBe(true);
    expect(pseudonyms.rewrite('to user:bob!')).toBe(`to ${R}!`);
  });

  it('a transform slower than the time-out gives the mark, also once it answers', async () => {
    let answer: (id: string) => void = () => {};
    const transform = () => new Promise<string>(resolve => (answer = resolve));
    const { timers, fireAll } = manualTimers();
    const pseudonyms = createUserPseudonyms({ transform, timeoutMs: 100, timers });
    const missing = new Set<string>();
    pseudonyms.rewrite('user:bob', missing);
    const learned = pseudonyms.learn(missing);
    fireAll();
    await learned;
    expect(pseudonyms.rewrite('user:bob')).toBe(R);
    answer('late-bob');
    await Promise.resolve();
    expect(pseudonyms.rewrite('user:bob')).toBe(R);
  });

  it.each([
    ['/catalog/default/user/jane.doe', 'jane.doe | Backstage', 'u-1 | Backstage'],
    ['https://b.example.com/catalog/Default/user/Jane.Doe/ownership?tab=1#x', 'Jane Doe | Groups | Backstage', 'u-1 | Backstage'],
    ['/backstage/catalog/default/user/jane.doe', 'Jane Doe', 'u-1'],
    ['/catalog/people/user/ana', 'ana in people | Backstage', `${R} | Backstage`],
    ['/catalog/default/component/jane.doe', 'jane.doe | Backstage', 'jane.doe | Backstage'],
    ['/search?query=user:default/jane.doe', 'Search | Backstage', 'Search | Backstage'],
  ])("a user's page at %s, titled %j, is titled %j (the page part is the user's pseudonym)", (location, title, expected) => {
    const pseudonyms = createUserPseudonyms({ transform: async () => 'never-called', timeoutMs: 5000 });
    pseudonyms.setOwn('user:default/jane.doe', 'u-1');
    const missing = new Set<string>();
    expect(pseudonyms.titleAt(location, title, missing)).toBe(expected);
    expect(pseudonyms.rewriteObject({ path: location, title }, missing)).toEqual({ path: location, title: expected });
    expect([...missing]).toEqual(expected.startsWith(R) ? ['user:people/ana'] : []);
  });

  it("another user's page is titled with their pseudonym once learned", async () => {
    const pseudonyms = createUserPseudonyms({ transform: 'sha-256', timeoutMs: 5000 });
    const missing = new Set<string>();
    expect(pseudonyms.titleAt('/catalog/default/user/bob', 'Bob Smith | App', missing)).toBe(`${R} | App`);
    await pseudonyms.learn(missing);
    expect(pseudonyms.titleAt('/catalog/default/user/bob', 'Bob Smith | App')).toBe(`${BOB_SHA256} | App`);
    expect(pseudonyms.rewriteObject({ url: 'https://b.example.com/catalog/default/user/bob', title: 'Bob Smith' })).toEqual({
      url: 'https://b.example.com/catalog/default/user/bob',
      title: BOB_SHA256,
    });
  });

  it('route attributes naming a user get the pseudonym as name; other kinds stay', async () => {
    const pseudonyms = createUserPseudonyms({ transform: 'sha-256', timeoutMs: 5000 });
    pseudonyms.setOwn('user:default/jane.doe', JANE_SHA256);
    const missing = new Set<string>();
    const own = { kind: 'User', namespace: 'default', name: 'JANE.DOE', tab: 'ownership' };
    expect(pseudonyms.rewriteAttributes(own, missing)).toEqual({ ...own, name: JANE_SHA256 });
    const component = { kind: 'component', namespace: 'default', name: 'jane.doe' };
    expect(pseudonyms.rewriteAttributes(component, missing)).toBe(component);
    expect(pseudonyms.rewriteAttributes({ kind: 'user', name: 'bob' }, missing)).toEqual({ kind: 'user', name: R });
    await pseudonyms.learn(missing);
    expect(pseudonyms.rewriteAttributes({ kind: 'user', name: 'bob' })).toEqual({ kind: 'user', name: BOB_SHA256 });
    // An empty namespace is the default one, as the catalog reads it: the same pseudonym.
    expect(pseudonyms.rewriteAttributes({ kind: 'user', namespace: '', name: 'bob' })).toEqual({ kind: 'user', namespace: '', name: BOB_SHA256 });
  });

  it("another person signing in on the page: the first user's id arriving late changes nothing", async () => {
    const pseudonyms = createUserPseudonyms({ transform: 'sha-256', timeoutMs: 5000 });
    let first: (id: string) => void = () => {};
    pseudonyms.expectOwn('user:default/ann', new Promise<string>(resolve => (first = resolve)));
    pseudonyms.expectOwn('user:default/bob', Promise.resolve('id-of-bob'));
    await Promise.resolve();
    first('id-of-ann');
    await Promise.resolve();
    await Promise.resolve();
    expect(pseudonyms.rewrite('owner: default/bob')).toBe('owner: id-of-bob');
  });

  it("the own ref read in another spelling before the id is known is missing as the user's own (it waits for their id)", () => {
    const pseudonyms = createUserPseudonyms({ transform: 'sha-256', timeoutMs: 5000 });
    pseudonyms.expectOwn('user:default/jane.doe', new Promise<string>(() => {}));
    const missing = new Set<string>();
    expect(pseudonyms.rewrite('see User:Default/Jane.Doe and default/JANE.DOE', missing)).toBe(`see ${R} and ${R}`);
    expect([...missing]).toEqual(['user:default/jane.doe']);
  });
});
