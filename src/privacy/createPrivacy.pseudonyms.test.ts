import { BackstageEvent } from '../mapping/BackstageEvent';
import { PageInfo, SegmentCall } from '../mapping/SegmentCall';
import { toSegmentCall } from '../mapping/toSegmentCall';
import { createPrivacy, Privacy } from './createPrivacy';
import { createLibraryRedaction } from './redactLibraryEvent';
import { DEFAULT_PRIVACY, REDACTED } from './PrivacyConfig';
import { createUserPseudonyms } from './userPseudonyms';
import { atHandOver } from '../eventPath';
import { untilRealWork } from '../__testUtils__/realWork';

// Verified in a shell: printf 'user:default/bob' | sha256sum
const BOB_SHA256 = '0d5a6227b250f8ab56e57fae713f3c717f6ca569337f94bbcac2995797eb7e95';
const R = REDACTED;

const page: PageInfo = { url: 'https://b.example.com/catalog', path: '/catalog', search: '', title: 'Catalog', referrer: '' };
const ctx = { pluginId: 'catalog', routeRef: 'catalog:entity', extension: 'CatalogEntityPage' };
const call = (event: Partial<BackstageEvent> & { action: string; subject: string }, on: PageInfo = page): SegmentCall =>
  toSegmentCall({ context: ctx, ...event } as BackstageEvent, on, new Date(0));

/** Resolves once `count` calls were delivered (the digest is real WebCrypto work). */
const deliveredCount = (list: unknown[], count: number) => untilRealWork(() => list.length >= count, `${count} calls delivered`);

function setup(transform: 'sha-256' | ((ref: string) => Promise<string>) = 'sha-256') {
  const pseudonyms = createUserPseudonyms({ transform, timeoutMs: 5000 });
  let leave: () => void = () => {};
  const privacy = createPrivacy(DEFAULT_PRIVACY, { pseudonyms, onPageLeave: listener => (leave = listener) });
  const delivered: SegmentCall[] = [];
  const send = privacy.handOff(c => delivered.push(c));
  return { pseudonyms, privacy, delivered, send, leave: () => leave() };
}

describe('createPrivacy with a user id transform', () => {
  it('pseudonymizes user refs everywhere in a call, keeping capture order around the pending digest', async () => {
    const { delivered, send } = setup();
    send(call({ action: 'click', subject: 'first' }));
    send(
      call(
        {
          action: 'navigate',
          subject: '/catalog/default/user/bob',
          attributes: { kind: 'user', namespace: 'default', name: 'bob' },
          context: { ...ctx, entityRef: 'user:default/bob', 'user:default/bob': 'key' },
        },
        { ...page, url: 'https://b.example.com/catalog/default/user/bob', path: '/catalog/default/user/bob', title: 'user:bob' },
      ),
    );
    send(call({ action: 'create', subject: 'USER%3Adefault%2FBob', value: 'user:bob' as any }));
    send(call({ action: 'click', subject: 'last' }));
    expect(delivered.map(c => c.properties.subject)).toEqual(['first']);
    await deliveredCount(delivered, 4);
    expect(delivered.map(c => c.properties.subject)).toEqual(['first', `/catalog/default/user/${BOB_SHA256}`, BOB_SHA256, 'last']);
    const [, nav, create] = delivered;
    expect(nav.page).toEqual({ ...page, url: `https://b.example.com/catalog/default/user/${BOB_SHA256}`, path: `/catalog/default/user/${BOB_SHA256}`, title: BOB_SHA256 });
    expect(nav.properties.attributes).toEqual({ kind: 'user', namespace: 'default', name: BOB_SHA256 });
    expect(nav.properties.additionalContext).toEqual({ entityRef: BOB_SHA256, [BOB_SHA256]: 'key' });
    expect([create.type === 'track' && create.event, create.properties.value]).toEqual([BOB_SHA256, BOB_SHA256]);
    expect(JSON.stringify(delivered)).not.toMatch(/bob/i);
    // Known now: handed on at once, on the caller's stack.
    send(call({ action: 'click', subject: 'user:bob' }));
    expect(delivered.at(-1)!.properties.subject).toBe(BOB_SHA256);
  });

  it("a burst naming 3,000 users, each new, whose ids all come at once: every call gets its user's pseudonym, none the mark", async () => {
    let release: () => void = () => {};
    const answered = new Promise<void>(resolve => (release = resolve));
    const { delivered, send } = setup(async ref => {
      await answered;
      return `id-${ref.split('/')[1]}`;
    });
    const users = Array.from({ length: 3000 }, (_, i) => `u${i}`);
    for (const user of users) send(call({ action: 'click', subject: `user:default/${user}` }));
    release();
    await deliveredCount(delivered, users.length);
    expect(delivered.map(c => c.properties.subject)).toEqual(users.map(user => `id-${user}`));
  });

  it("the user's own ref becomes their user id, also without its kind, also when seen before they were known", () => {
    const { pseudonyms, privacy, delivered, send } = setup(async () => 'never');
    send(call({ action: 'click', subject: 'owned by default/jane.doe' }));
    pseudonyms.setOwn('user:default/jane.doe', 'jane-id');
    send(call({ action: 'click', subject: 'user:default/jane.doe and default/jane.doe' }));
    const settled = delivered.map(c => atHandOver(privacy)(c, { href: page.url, title: page.title }));
    expect(settled.map(c => c.properties.subject)).toEqual(['owned by jane-id', 'jane-id and jane-id']);
  });

  it("a user's page is titled with their pseudonym, not the name the catalog titles it with, at capture and at hand-over", () => {
    const { pseudonyms, privacy, delivered, send } = setup(async () => 'never');
    pseudonyms.setOwn('user:default/jane.doe', 'u-7');
    const url = 'https://b.example.com/catalog/default/user/jane.doe';
    send(call({ action: 'navigate', subject: '/catalog/default/user/jane.doe' }, { ...page, url, path: '/catalog/default/user/jane.doe', title: 'Catalog | App' }));
    expect(delivered[0].page.title).toBe('u-7 | App');
    // The title the page ended up with, as the call is handed over.
    const settled = atHandOver(privacy)(delivered[0], { href: url, title: 'Jane Doe | App' });
    expect([settled.page.title, settled.properties.title]).toEqual(['u-7 | App', 'u-7 | App']);
    expect(JSON.stringify(settled)).not.toMatch(/jane/i);
  });

  it("a user's page's title left showing on the next page (it set none, or not yet) is replaced there too", () => {
    const { pseudonyms, privacy, send, delivered } = setup(async () => 'never');
    pseudonyms.setOwn('user:default/jane.doe', 'u-7');
    const userUrl = 'https://b.example.com/catalog/default/user/jane.doe';
    const titles = new Map([[userUrl, 'Jane Doe | App']]);
    const doc = (href: string, title: string) => ({ href, title, titleOfPage: (p: string) => titles.get(p) });
    const nav = call({ action: 'navigate', subject: '/catalog/default/user/jane.doe' }, { ...page, url: userUrl, path: '/catalog/default/user/jane.doe' });
    // The user's page set its title: handed over there, the title is learned as theirs.
    expect(atHandOver(privacy)(nav, doc(userUrl, 'Jane Doe | App')).page.title).toBe('u-7 | App');
    // Then a page that sets no title: its calls, captured or handed over, carry the pseudonym instead.
    const plainUrl = 'https://b.example.com/plain';
    const plain: PageInfo = { ...page, url: plainUrl, path: '/plain', title: 'Jane Doe | App' };
    send(call({ action: 'navigate', subject: '/plain' }, plain));
    send(call({ action: 'click', subject: 'x' }, plain));
    const out = delivered.map(c => atHandOver(privacy)(c, doc(plainUrl, 'Jane Doe | App')));
    expect(out.map(c => [c.type, c.page.title, c.properties.title])).toEqual([
      ['page', 'u-7 | App', 'u-7 | App'],
      ['track', 'u-7 | App', undefined],
    ]);
    // A title the user's page did not set (left there by the page before) is not taken for theirs.
    titles.clear();
    atHandOver(privacy)(nav, doc(userUrl, 'Catalog'));
    const other = call({ action: 'navigate', subject: '/catalog' }, { ...page });
    expect(atHandOver(privacy)(other, doc(page.url, 'Catalog')).page.title).toBe('Catalog');
  });

  it("a click on a link to a user's page, or on a search result that is one: its subject (the link's text, the result's title) is that user's pseudonym", async () => {
    const { delivered, send } = setup();
    const member = { action: 'click', subject: 'User page for Bob Smith', attributes: { to: '/catalog/default/user/bob' } };
    send(call(member));
    send(call({ action: 'click', subject: 'Bob Smith', attributes: { to: '/catalog/default/group/team-a' } }));
    send(call({ action: 'hover', subject: 'Bob Smith', attributes: { to: '/catalog/default/user/bob' } }));
    // Backstage search's click on a result: the result's title as subject.
    send(call({ action: 'discover', subject: 'Bob Smith', value: 1, attributes: { to: '/catalog/default/user/bob' } }));
    await deliveredCount(delivered, 4);
    expect(delivered.map(c => c.properties.subject)).toEqual([BOB_SHA256, 'Bob Smith', 'Bob Smith', BOB_SHA256]);
    expect(delivered[0].properties.attributes).toEqual({ to: `/catalog/default/user/${BOB_SHA256}` });
  });

  it('a transform that fails gives the mark, never the ref; the calls after it still go', async () => {
    const { delivered, send } = setup(async ref => (ref.includes('bob') ? Promise.reject(new Error(ref)) : 'p-ann'));
    send(call({ action: 'click', subject: 'user:bob' }));
    send(call({ action: 'click', subject: 'user:ann' }));
    await deliveredCount(delivered, 2);
    expect(delivered.map(c => c.properties.subject)).toEqual([R, 'p-ann']);
  });

  it('leaving the page hands every waiting call on at once, what is not known yet redacted', () => {
    const { delivered, send, leave } = setup(() => new Promise<string>(() => {}));
    send(call({ action: 'click', subject: 'a' }));
    send(call({ action: 'click', subject: 'for user:bob' }));
    send(call({ action: 'click', subject: 'c' }));
    expect(delivered).toHaveLength(1);
    leave();
    expect(delivered.map(c => c.properties.subject)).toEqual(['a', `for ${R}`, 'c']);
  });

  it('at hand-over: a title naming a user not seen before is redacted, and learned for later calls', async () => {
    const { pseudonyms, privacy } = setup();
    const nav = call({ action: 'navigate', subject: '/p' }, { ...page, url: 'https://b.example.com/p' });
    const first = atHandOver(privacy)(nav, { href: 'https://b.example.com/p', title: 'Profile of user:bob' });
    expect(first.page.title).toBe(`Profile of ${R}`);
    await pseudonyms.learn(['user:default/bob']);
    expect(atHandOver(privacy)(nav, { href: 'https://b.example.com/p', title: 'Profile of user:bob' }).page.title).toBe(`Profile of ${BOB_SHA256}`);
  });
});

describe('createLibraryRedaction: what the Segment library adds', () => {
  const redactor = (privacy: Privacy) => createLibraryRedaction(privacy.library);
  type TestEvent = { type: string; context: Record<string, any>; properties?: Record<string, any>; traits?: Record<string, any> };
  const libraryEvent = (type: string, over: Record<string, any> = {}): TestEvent => ({
    type,
    context: {
      page: { url: 'https://b.example.com/catalog/default/user/bob?code=a%26b&utm_term=user%3Abob', path: '/catalog/default/user/bob', search: '?code=a%26b&utm_term=user%3Abob', title: 'Bob Smith | App', referrer: '' },
      campaign: { term: 'user:bob', 'jane@example.com': 'x', source: '/cb?token=t' },
      referrer: { id: 'user:bob', type: 'dataxu' },
      traits: { email: 'jane@example.com' },
      groupId: 'g-1',
      library: { name: 'analytics.js', version: 'npm:next-1.84.3' },
    },
    ...over,
  });

  it('identify carries no traits, whatever the library merged in; context.traits never goes', async () => {
    const { privacy, pseudonyms } = setup();
    await pseudonyms.learn(['user:default/bob']);
    const event = libraryEvent('identify', { traits: { email: 'jane@example.com', ref: 'user:default/jane' } });
    expect(redactor(privacy)(event)).toBeUndefined();
    expect(event.traits).toEqual({});
    expect(event.context).toEqual({
      page: {
        url: `https://b.example.com/catalog/default/user/${BOB_SHA256}?code=${R}&utm_term=${BOB_SHA256}`,
        path: `/catalog/default/user/${BOB_SHA256}`,
        search: `?code=${R}&utm_term=${BOB_SHA256}`,
        // The catalog titles a user's page with their display name: the page part is the pseudonym.
        title: `${BOB_SHA256} | App`,
        referrer: '',
      },
      campaign: { term: BOB_SHA256, 'jane@example.com': 'x', source: `/cb?token=${R}` },
      referrer: { id: BOB_SHA256, type: 'dataxu' },
      groupId: 'g-1',
      library: { name: 'analytics.js', version: 'npm:next-1.84.3' },
    });
  });

  it('waits for a pseudonym not known yet, then rewrites; group traits are empty with a transform', async () => {
    const { privacy } = setup();
    const event = libraryEvent('group', { traits: { name: 'stored-team', plan: 'gold' } });
    const pending = redactor(privacy)(event);
    expect(pending).toBeInstanceOf(Promise);
    expect(event.context.page.path).toBe('/catalog/default/user/bob'); // nothing changed until complete
    await pending;
    expect([event.context.page.path, event.traits]).toEqual([`/catalog/default/user/${BOB_SHA256}`, {}]);
  });

  it('without a transform: the group keeps its name only; e-mails and credentials redacted in keys too', () => {
    const privacy = createPrivacy({ ...DEFAULT_PRIVACY, emails: true });
    const event = libraryEvent('group', { traits: { name: 'team-a', plan: 'gold' } });
    expect(redactor(privacy)(event)).toBeUndefined();
    expect(event.traits).toEqual({ name: 'team-a' });
    expect(event.context.campaign).toEqual({ term: 'user:bob', [R]: 'x', source: `/cb?token=${R}` });
    expect(event.context.traits).toBeUndefined();
  });

  it("the library's own page call: its page properties are redacted too", () => {
    const privacy = createPrivacy();
    const event = libraryEvent('page', { properties: { url: 'https://b.example.com/?state=s', search: '?state=s', name: 'n' } });
    redactor(privacy)(event);
    expect(event.properties).toEqual({ url: `https://b.example.com/?state=${R}`, search: `?state=${R}`, name: 'n' });
  });
});
