import { createHash } from 'node:crypto';
import { advancePaced, nextMillisecond } from './__testUtils__/fakeTime';
import { wireAtHome } from './__testUtils__/wireAtHome';
import { setupWireCollector, silentStorageApi, userIdentity } from './__testUtils__/wireTest';

// A user's entity page is titled with their name, set by the page a moment
// after Backstage reports the navigation. Under a user id transform that name
// never leaves: not in the user page's own page call, and not on the next
// page, which shows it until it sets a title of its own (if ever). The real
// library, to the embedded collector.

const wire = setupWireCollector('user-page-titles');
const ctx = { routeRef: 'catalog:entity', pluginId: 'catalog', extension: 'CatalogEntityPage' };
const NAME_TITLE = 'Zelda Displayname | Backstage';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The app on its home page, the library loaded and its first page call sent. A colleague's pseudonym is a real
 * digest, answered in real time, while these tests run fake time on: a long `identityTimeoutMs` (the bound on
 * working one out) keeps a machine busy with other suites from turning it into the redaction mark.
 */
const atHome = () => wireAtHome(wire, { userIdTransform: 'sha-256', identityTimeoutMs: 60_000 }, ctx, 'Home | Backstage');

/** Moves to `path` the way Backstage does: the URL, then the navigate event. */
function navigate(analytics: Awaited<ReturnType<typeof atHome>>['analytics'], path: string, n: number) {
  window.history.pushState({}, '', path);
  analytics.captureEvent({ action: 'navigate', subject: path, attributes: { n }, context: ctx });
}

describe("a user's page title (their name) under a user id transform", () => {
  it.each([
    ['their own page', '/catalog/default/user/jane', 'user:default/jane', 100, 50],
    ['their own page, a long stay', '/catalog/default/user/jane', 'user:default/jane', 600, 5000],
    ["a colleague's page", '/catalog/default/user/bob', 'user:default/bob', 100, 50],
    ["a colleague's page, a long stay", '/catalog/default/user/bob', 'user:default/bob', 600, 5000],
  ])('%s: pseudonymized in its page call and on the next page, which sets no title', async (_, userPath, ref, setAfterMs, stayMs) => {
    const { analytics, waitFor } = await atHome();
    navigate(analytics, userPath, 1);
    await jest.advanceTimersByTimeAsync(setAfterMs);
    document.title = NAME_TITLE;
    // Paced: the colleague's pseudonym is a real digest, worked out in real time within identityTimeoutMs.
    await advancePaced(stayMs);
    nextMillisecond();
    navigate(analytics, '/settings', 2);
    await advancePaced(4000);
    nextMillisecond();
    analytics.captureEvent({ action: 'click', subject: 'Save', attributes: { n: 3 }, context: ctx });
    const messages = await waitFor(m => [1, 2, 3].every(n => m.some(x => x.properties?.attributes?.n === n)));

    expect(JSON.stringify(messages)).not.toContain('Zelda');
    const pseudonymTitle = `${sha256(ref)} | Backstage`;
    const sent = (n: number) => messages.find(m => m.properties?.attributes?.n === n)!;
    // The user's page call waited for its page's title: it carries it, pseudonymized.
    expect(sent(1).properties.title).toBe(pseudonymTitle);
    // The next page shows the name still: the same pseudonym, in its page call and in later calls' page.
    expect(sent(2).properties.title).toBe(pseudonymTitle);
    expect(sent(3).context.page.title).toBe(pseudonymTitle);
  });
});

describe('a page call whose URL privacy rewrites waits for its page title, as others do', () => {
  it.each([
    ['a credential in the query (only the path tells pages apart)', '/docs/x?token=abc'],
    ['an e-mail in the path', '/u/someone@example.com'],
  ])('%s', async (_, path) => {
    const app = wire.create({ redact: { emails: true } }, { identityApi: userIdentity('user:default/jane') });
    window.history.pushState({}, '', '/home');
    app.analytics.captureEvent({ action: 'navigate', subject: '/home', attributes: { n: 0 }, context: ctx });
    await jest.advanceTimersByTimeAsync(200);
    document.title = 'Home | Backstage';
    await app.waitFor(m => m.some(x => x.properties?.attributes?.n === 0));
    nextMillisecond();
    window.history.pushState({}, '', path);
    app.analytics.captureEvent({ action: 'navigate', subject: path, attributes: { n: 1 }, context: ctx });
    await jest.advanceTimersByTimeAsync(300);
    document.title = 'Its Own Title | Backstage';
    const messages = await app.waitFor(m => m.some(x => x.properties?.attributes?.n === 1));
    const page = messages.find(m => m.properties?.attributes?.n === 1)!;
    expect(page.properties.title).toBe('Its Own Title | Backstage');
    expect(page.context.page.title).toBe('Its Own Title | Backstage');
    expect(JSON.stringify(page)).not.toMatch(/token=abc|someone@example\.com/);
  });
});

/**
 * The user's choice read slowly (a StorageApi that never answers: the default applies after its wait): bob's
 * page, titled with his name, then `/settings`, which sets no title, and a click there (events 1 to 3).
 */
async function fromBobsPageWhileTheChoiceIsRead() {
  jest.spyOn(console, 'warn').mockImplementation(() => {});
  const app = wire.create({ userIdTransform: 'sha-256' }, { storageApi: silentStorageApi(), identityApi: userIdentity('user:default/jane') });
  navigate(app.analytics, '/catalog/default/user/bob', 1);
  await jest.advanceTimersByTimeAsync(300);
  document.title = NAME_TITLE;
  await advancePaced(1000);
  nextMillisecond();
  navigate(app.analytics, '/settings', 2);
  await jest.advanceTimersByTimeAsync(500);
  app.analytics.captureEvent({ action: 'click', subject: 'Save', attributes: { n: 3 }, context: ctx });
  return app;
}

describe("a user's page title, the second look's cases", () => {
  it("the page after a user's page waits for its own title and takes it (not the pseudonym left on it)", async () => {
    const { analytics, waitFor } = await atHome();
    navigate(analytics, '/catalog/default/user/bob', 1);
    await jest.advanceTimersByTimeAsync(300);
    document.title = NAME_TITLE;
    await jest.advanceTimersByTimeAsync(5000);
    nextMillisecond();
    navigate(analytics, '/settings', 2);
    await jest.advanceTimersByTimeAsync(300);
    document.title = 'Settings | Backstage';
    const messages = await waitFor(m => m.some(x => x.properties?.attributes?.n === 2));
    const settings = messages.find(m => m.properties?.attributes?.n === 2)!;
    expect(settings.properties.title).toBe('Settings | Backstage');
    expect(settings.context.page.title).toBe('Settings | Backstage');
  });

  it("a user's page setting another title while earlier events wait (the user's choice read slowly): neither title leaves", async () => {
    const { analytics, waitFor } = await fromBobsPageWhileTheChoiceIsRead();
    await jest.advanceTimersByTimeAsync(500);
    nextMillisecond();
    // Back on bob's page, which now shows a shorter title, while the events above still wait for the choice.
    navigate(analytics, '/catalog/default/user/bob', 4);
    await jest.advanceTimersByTimeAsync(300);
    document.title = 'Zelda D. | Backstage';
    const messages = await waitFor(m => [1, 2, 3, 4].every(n => m.some(x => x.properties?.attributes?.n === n)));
    expect(JSON.stringify(messages)).not.toContain('Zelda');
    const settings = messages.find(m => m.properties?.attributes?.n === 2)!;
    expect(settings.properties.title).toBe(`${sha256('user:default/bob')} | Backstage`);
    jest.restoreAllMocks();
  });

  it('with the user\'s choice read slowly (a StorageApi): the title is learned before delivery exists, on the wire and in what is stored', async () => {
    const { waitFor } = await fromBobsPageWhileTheChoiceIsRead();
    window.dispatchEvent(new Event('pagehide'));
    const stored = Object.keys(localStorage).map(key => localStorage.getItem(key)).join('\n');
    expect(stored).not.toContain('Zelda');
    window.dispatchEvent(new Event('pageshow'));
    const messages = await waitFor(m => [1, 2, 3].every(n => m.some(x => x.properties?.attributes?.n === n)));
    expect(JSON.stringify(messages)).not.toContain('Zelda');
    jest.restoreAllMocks();
  });
});
