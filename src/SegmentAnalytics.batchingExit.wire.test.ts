import { userIdentity, setupWireCollector } from './__testUtils__/wireTest';

// The real @segment/analytics-next, sending real HTTP to the embedded
// collector on a loopback port. A file of its own: the page is unloaded.

const REF = 'user:default/jane.doe';
const context = { routeRef: 'catalog', pluginId: 'catalog', extension: 'CatalogIndexPage' };
const wire = setupWireCollector('batching-exit');

describe('SegmentAnalytics with batching, leaving the page for good', () => {
  it('stores what it handed over lately and is not known to be delivered, with the messageId it went out with: the next load resends the same events', async () => {
    const { analytics, writeKey, waitFor } = wire.create({ batching: { size: 3, timeoutMs: 60_000 } }, { identityApi: userIdentity(REF) });
    analytics.captureEvent({ action: 'click', subject: 'first', context });
    analytics.captureEvent({ action: 'click', subject: 'second', context });
    await waitFor(m => m.filter(x => x.type === 'track').length === 2); // identify and both: a full batch, sent at once
    analytics.captureEvent({ action: 'click', subject: 'held', context });
    await jest.advanceTimersByTimeAsync(100); // handed over: in the batcher's buffer, its timer a minute away
    const pending = () => JSON.parse(localStorage.getItem(`backstage-segment:${writeKey}:pending`) ?? '{"calls":[]}').calls as any[];
    expect(pending()).toEqual([]);

    window.dispatchEvent(new Event('pagehide')); // unloaded for good; the batcher sends its buffer as it goes
    // 'first' and 'second' were answered 200: delivered, not stored again.
    const stored = pending();
    expect(stored.map(s => [s.owner, s.call.properties.subject])).toEqual([[REF, 'held']]);
    const messages = await waitFor(m => m.some(x => x.properties?.subject === 'held'));
    const onTheWire = new Map(messages.map(m => [m.properties?.subject, m]));
    // Each copy is the event that went out (or would have), with its anonymous id: a resend is de-duplicated by Segment.
    for (const s of stored) {
      const sent = onTheWire.get(s.call.properties.subject)!;
      expect(s.messageId).toBe(sent.messageId);
      expect(s.messageId).toMatch(/^ajs-next-\d+-[0-9a-f-]{36}$/);
      expect(s.anonymousId).toBe(sent.anonymousId);
    }
  });

  it('hidden, stores none of it (the page may come back, with the batcher); kept in the back/forward cache, stores it', async () => {
    const { analytics, writeKey, waitFor } = wire.create({ batching: { size: 3, timeoutMs: 60_000 } }, { identityApi: userIdentity(REF) });
    analytics.captureEvent({ action: 'click', subject: 'first', context });
    analytics.captureEvent({ action: 'click', subject: 'second', context });
    await waitFor(m => m.filter(x => x.type === 'track').length === 2);
    analytics.captureEvent({ action: 'click', subject: 'held', context });
    await jest.advanceTimersByTimeAsync(100);
    const pending = () => JSON.parse(localStorage.getItem(`backstage-segment:${writeKey}:pending`) ?? '{"calls":[]}').calls as any[];
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      expect(pending()).toEqual([]);
      const cached = Object.assign(new Event('pagehide'), { persisted: true }); // into the back/forward cache
      window.dispatchEvent(cached);
      expect(pending().map(c => c.call.properties.subject)).toEqual(['held']);
    } finally {
      delete (document as { visibilityState?: string }).visibilityState;
    }
  });

  it('stores nothing it handed over without batching: the library keeps its own requests in flight', async () => {
    const { analytics, writeKey, waitFor } = wire.create({}, { identityApi: userIdentity(REF) });
    analytics.captureEvent({ action: 'click', subject: 'sent', context });
    await waitFor(m => m.some(x => x.properties?.subject === 'sent'));
    window.dispatchEvent(new Event('pagehide'));
    expect(localStorage.getItem(`backstage-segment:${writeKey}:pending`)).toBeNull();
  });
});
