import { userIdentity, setupWireCollector } from './__testUtils__/wireTest';

// The real @segment/analytics-next, sending real HTTP to the embedded collector on a loopback port.

const context = { routeRef: 'catalog', pluginId: 'catalog', extension: 'CatalogIndexPage' };
const wire = setupWireCollector('batch-size');

describe('batching.size over 100', () => {
  it('goes out in batches of 100, with one warning saying why: the library would freeze the page on larger ones', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const { analytics, waitFor } = wire.create({ batching: { size: 500, timeoutMs: 600_000 } }, { identityApi: userIdentity('user:default/jane') });
    for (let i = 0; i < 100; i++) analytics.captureEvent({ action: 'click', subject: `e${i}`, context });

    // 101 calls (identify and 100 clicks; on a busy machine identify may come after some of them): the first 100 make
    // a batch, sent at once, not after the ten minutes of the batch's timer, for which the last one waits.
    const messages = await waitFor(m => m.length >= 100);
    expect(messages).toHaveLength(100);
    expect(new Set(messages.map(m => m.messageId)).size).toBe(100);
    const batches = (await wire.collector.requests()).filter(r => r.path === '/v1/b' && r.status === 200);
    expect(batches).toHaveLength(1);
    const warnings = warn.mock.calls.map(call => String(call[0])).filter(text => text.includes('batching.size'));
    expect(warnings).toEqual([expect.stringContaining('batching.size 500 is sent in batches of 100')]);
    warn.mockRestore();
  });
});
