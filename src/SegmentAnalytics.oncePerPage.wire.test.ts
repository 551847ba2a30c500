import { AnalyticsBrowser } from '@segment/analytics-next';
import { CollectedMessage } from './__testUtils__/loopbackCollector';
import { userIdentity, setupWireCollector } from './__testUtils__/wireTest';

// Never twice, with the real library sending to the embedded collector: the
// module registered twice in one page (apis.ts plus an RHDH dynamic plugin,
// each fed every event by Backstage's MultipleAnalyticsApi).

const REF = 'user:default/jane.doe';
const context = { routeRef: 'catalog', pluginId: 'catalog', extension: 'CatalogIndexPage' };

const wire = setupWireCollector('once');
const { create } = wire;

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => jest.restoreAllMocks());

const tracks = (messages: CollectedMessage[]) => messages.filter(m => m.type === 'track').map(m => m.event);
const stayedOff = () => warn.mock.calls.filter(call => /stays off/.test(String(call[0])));

describe('one sending instance per write key in a page', () => {
  type Instance = ReturnType<typeof create>;
  /** Both receive each event (Backstage's MultipleAnalyticsApi); a third instance on a key of its own marks the end of the traffic: what arrived. */
  async function feedBoth(first: Instance, second: Instance, actions: string[]) {
    for (const action of actions) {
      const event = { action, subject: 's', context };
      first.analytics.captureEvent(event);
      second.analytics.captureEvent(event);
    }
    const other = create();
    other.analytics.captureEvent({ action: 'end', subject: 's', context });
    await other.waitFor(m => tracks(m).includes('end'));
    return first.waitFor(m => tracks(m).length >= 3);
  }

  it('sends every event once when two instances of one write key receive it', async () => {
    // Given two registrations reading the same config, both built before any event (the later one takes the key)
    const first = create({}, { identityApi: userIdentity(REF) });
    const second = create({ writeKey: first.writeKey }, { identityApi: userIdentity(REF) });
    const messages = await feedBoth(first, second, ['one', 'two', 'three']);
    // Then the collector has each event once, identify once, and one warning said why
    expect(tracks(messages).sort()).toEqual(['one', 'three', 'two']);
    expect(messages.filter(m => m.type === 'identify')).toHaveLength(1);
    expect(stayedOff().map(call => String(call[0]))).toEqual([expect.stringContaining(`write key "${first.writeKey.slice(0, 6)}…"`)]);
  });

  it('keeps the key with the instance that captured first: one built after it stays off', async () => {
    const first = create({}, { identityApi: userIdentity(REF) });
    first.analytics.captureEvent({ action: 'one', subject: 's', context });
    const second = create({ writeKey: first.writeKey }, { identityApi: userIdentity(REF) });
    const messages = await feedBoth(first, second, ['two', 'three']);
    // Then the collector has each event once, identify once, and one warning said why
    expect(tracks(messages).sort()).toEqual(['one', 'three', 'two']);
    expect(messages.filter(m => m.type === 'identify')).toHaveLength(1);
    expect(stayedOff().map(call => String(call[0]))).toEqual([expect.stringContaining(`write key "${first.writeKey.slice(0, 6)}…"`)]);
  });

  it('sends through the instance the app uses when it dropped an earlier one (a factory that threw after building it, called again)', async () => {
    // Given an instance the app built and dropped (never called), then the one it uses
    const loads = jest.spyOn(AnalyticsBrowser, 'load');
    const dropped = create({}, { identityApi: userIdentity(REF) });
    const used = create({ writeKey: dropped.writeKey }, { identityApi: userIdentity(REF) });

    // When only the second receives events
    for (const action of ['one', 'two', 'three']) used.analytics.captureEvent({ action, subject: 's', context });

    // Then every event is sent, after one identify, and nothing was said about a double registration
    // Each call is a request of its own (they may arrive in any order): wait for the identify too, and read the order they were sent in.
    const messages = dropped.inSendOrder(await dropped.waitFor(m => tracks(m).length >= 3 && m.some(x => x.type === 'identify')));
    expect(tracks(messages)).toEqual(['one', 'two', 'three']);
    expect(messages.filter(m => m.type === 'identify')).toHaveLength(1);
    expect(messages[0].type).toBe('identify');
    expect(stayedOff()).toHaveLength(0);
    // The dropped one gave the key up before its library's code had loaded: it never started the library.
    expect(loads).toHaveBeenCalledTimes(1);
  });

  it('lets a disabled instance claim nothing, and a test-mode one claim its key', async () => {
    jest.spyOn(console, 'info').mockImplementation(() => {});
    // Given a disabled instance, then an enabled one on the same key: the enabled one sends
    const disabled = create({ enabled: false });
    const enabled = create({ writeKey: disabled.writeKey });
    enabled.analytics.captureEvent({ action: 'after-disabled', subject: 's', context });
    await disabled.waitFor(m => tracks(m).includes('after-disabled'));
    expect(stayedOff()).toHaveLength(0);

    // Given a test-mode instance that captured, then a production one on the same key: the production one stays off
    const testMode = create({ testMode: true });
    testMode.analytics.captureEvent({ action: 'in-test-mode', subject: 's', context });
    const production = create({ writeKey: testMode.writeKey });
    production.analytics.captureEvent({ action: 'from-production', subject: 's', context });
    const marker = create();
    marker.analytics.captureEvent({ action: 'end', subject: 's', context });
    await marker.waitFor(m => tracks(m).includes('end'));
    expect(stayedOff()).toHaveLength(1);
    expect(await testMode.waitFor(() => true)).toEqual([]);
  });
});
