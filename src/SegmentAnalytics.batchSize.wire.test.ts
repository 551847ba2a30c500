import { userIdentity, setupWireCollector } from './__testUtils__/wireTest';

// The real @segment/analytics-next, sending real HTTP to the embedded collector on a loopback port.

const context = { routeRef: 'catalog', pluginId: 'catalog', extension: 'CatalogIndexPage' };
const wire = setupWireCollector('batch-size');

describe('batching.size up to 500', () => {
  it('goes out in batches of the size asked for, with no warning', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const { analytics, waitFor } = wire.create({ batching: { size: 300, timeoutMs: 600_000 } }, { identityApi: userIdentity('user:default/jane') });
    for (let i = 0; i < 300; i++) analytics.captureEvent({ action: 'click', subject: `e${i}`, context });

    // 301 calls (identify and 300 clicks; on a busy machine identify may come after some of them): the first 300 make
    // a batch, sent at once, not after the ten minutes of the batch's timer, for which the last one waits.
    const messages = await waitFor(m => m.length >= 300);
    expect(messages).toHaveLength(300);
    expect(new Set(messages.map(m => m.messageId)).size).toBe(300);
    const batches = (await wire.collector.requests()).filter(r => r.path === '/v1/b' && r.status === 200);
    expect(batches).toHaveLength(1);
    expect(warn.mock.calls.map(call => String(call[0])).filter(text => text.includes('batching'))).toEqual([]);
    warn.mockRestore();
  });
});
