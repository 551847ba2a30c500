import { readEnabled } from '../__testUtils__/configReading';
import { createPrivacy } from '../privacy/createPrivacy';
import { loadSegmentTransport } from './segmentTransport';
import { probeLocalStorage } from './storageProbe';
import { pageRedactionPlugin } from './pageRedactionPlugin';
import { clickCall } from '../__testUtils__/deliveryTestKit';
import { createStoredOwner } from './storedOwner';
import { browserScheduler } from '../time/scheduler';

// `agent.disableCookies`: the real library, in jsdom, with local settings (no settings fetch) and `fetch` recorded.

const config = (disableCookies: boolean) =>
  readEnabled({ writeKey: 'nocookies', cdnSettings: 'local', apiHost: 'http://127.0.0.1:9/v1', agent: { disableCookies } });

const warnings: string[] = [];
/** One page load: the transport as createDelivery makes it. */
const pageLoad = (disableCookies = true) =>
  loadSegmentTransport(config(disableCookies), {
    logger: { warn: message => warnings.push(message), info: () => {} },
    scheduler: browserScheduler,
    storedOwner: createStoredOwner(window.localStorage, 'nocookies'),
    insideLibrary: pageRedactionPlugin(createPrivacy().library),
    localStorage: probeLocalStorage(() => window.localStorage),
  });

/** The bodies of the requests sent, oldest first. */
const bodies = () => ((globalThis.fetch as jest.MockedFunction<typeof fetch>).mock.calls as [unknown, RequestInit][]).map(([, init]) => JSON.parse(String(init.body)));
const sent = (subject: string) => bodies().find(b => b.properties?.subject === subject);
const cookieNames = () => document.cookie.split(';').map(c => c.split('=')[0].trim()).filter(Boolean);
const clearCookies = () => {
  for (const name of cookieNames()) document.cookie = `${name}=; path=/; max-age=0`;
};

async function session(transport: Awaited<ReturnType<typeof pageLoad>>, subject: string) {
  transport.startSession('user:default/alice', new Date());
  await transport.send(clickCall(subject), { userId: 'user:default/alice' });
  return sent(subject);
}

beforeEach(() => {
  localStorage.clear();
  clearCookies();
  warnings.length = 0;
  jest.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('{}', { status: 200 }));
});
afterEach(() => {
  jest.restoreAllMocks();
  localStorage.clear();
  clearCookies();
});

describe('agent.disableCookies', () => {
  it('no cookie is written; the identity survives a reload in localStorage; no storage warning', async () => {
    const first = await session(await pageLoad(), 'first-load');
    expect(first.anonymousId).toEqual(expect.any(String));
    expect(cookieNames()).toEqual([]);
    expect(JSON.parse(localStorage.getItem('ajs_anonymous_id')!)).toBe(first.anonymousId);

    const second = await session(await pageLoad(), 'second-load');
    expect(second).toMatchObject({ anonymousId: first.anonymousId, userId: 'user:default/alice' });
    expect(cookieNames()).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('switched on where earlier loads kept cookies: their copies of the identity go, the identity goes on, another instance\'s cookie stays', async () => {
    const before = await session(await pageLoad(false), 'with-cookies');
    expect(cookieNames()).toEqual(expect.arrayContaining(['ajs_anonymous_id', 'ajs_user_id']));
    // Another Segment instance on the domain identified someone since: its cookie is not a copy of this identity.
    document.cookie = `ajs_user_id=${encodeURIComponent('lead-123')}; path=/`;

    const after = await session(await pageLoad(), 'without-cookies');
    expect(after).toMatchObject({ anonymousId: before.anonymousId, userId: 'user:default/alice' });
    expect(document.cookie).toBe('ajs_user_id=lead-123');
  });

  it('where localStorage cannot be written either: nothing in cookies, the warning says the anonymous id does not survive a reload', async () => {
    jest.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('refused', 'SecurityError');
    });
    const first = await session(await pageLoad(), 'refused');
    expect(first.anonymousId).toEqual(expect.any(String));
    expect(cookieNames()).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/^Segment analytics: localStorage cannot be written .*the anonymous id does not survive a reload$/)]);
    expect(warnings[0]).not.toMatch(/cookies/);
  });
});
