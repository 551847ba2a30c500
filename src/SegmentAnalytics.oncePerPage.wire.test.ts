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
  it('sends every event once when two instances of one write key receive it', async () => {
    // Given two registrations reading the same config
    const first = create({}, { identityApi: userIdentity(REF) });
    const second = create({ writeKey: first.writeKey }, { identityApi: userIdentity(REF) });

    // When both receive the same events
    for (const action of ['one', 'two', 'three']) {
      const event = { action, subject: 's', context };
      first.analytics.captureEvent(event);
      second.analytics.captureEvent(event);
    }
    // and a third instance on a key of its own marks the end of the traffic
    const other = create();
    other.analytics.captureEvent({ action: 'end', subject: 's', context });
    await other.waitFor(m => tracks(m).includes('end'));

    // Then the collector has each event once, identify once, and one warning said why
    const messages = await first.waitFor(m => tracks(m).length >= 3);
    expect(tracks(messages).sort()).toEqual(['one', 'three', 'two']);
    expect(messages.filter(m => m.type === 'identify')).toHaveLength(1);
    expect(stayedOff()).toHaveLength(1);
    expect(String(stayedOff()[0][0])).toContain(`write key "${first.writeKey.slice(0, 6)}…"`);
  });

  it('lets a disabled instance claim nothing, and a test-mode one claim its key', async () => {
    jest.spyOn(console, 'info').mockImplementation(() => {});
    // Given a disabled instance, then an enabled one on the same key: the enabled one sends
    const disabled = create({ enabled: false });
    const enabled = create({ writeKey: disabled.writeKey });
    enabled.analytics.captureEvent({ action: 'after-disabled', subject: 's', context });
    await disabled.waitFor(m => tracks(m).includes('after-disabled'));
    expect(stayedOff()).toHaveLength(0);

    // Given a test-mode instance, then a production one on the same key: the production one stays off
    const testMode = create({ testMode: true });
    const production = create({ writeKey: testMode.writeKey });
    production.analytics.captureEvent({ action: 'from-production', subject: 's', context });
    const marker = create();
    marker.analytics.captureEvent({ action: 'end', subject: 's', context });
    await marker.waitFor(m => tracks(m).includes('end'));
    expect(stayedOff()).toHaveLength(1);
    expect(await testMode.waitFor(() => true)).toEqual([]);
  });
});
