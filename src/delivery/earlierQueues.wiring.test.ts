import { ConfigReader } from '@backstage/config';
import { readSegmentConfig } from '../config/readSegmentConfig';
import { RELAY_WRITE_KEY } from '../config/readDelivery';
import { readEnabled } from '../__testUtils__/configReading';
import { createPrivacy } from '../privacy/createPrivacy';
import { advanceUntil, wallClockScheduler } from '../__testUtils__/fakeTime';
import { createCallStore } from './callStore';
import { pageRedactionPlugin } from './pageRedactionPlugin';
import { loadSegmentTransport } from './segmentTransport';
import { probeLocalStorage } from './storageProbe';
import { createStoredOwner } from './storedOwner';
import type { EnabledSegmentConfig } from '../config/SegmentConfig';
import { withTransform } from '../config/callSettings';
import type { Transport } from './Transport';

// What earlier loads left in localStorage, as the next load of the real
// library (jsdom, `fetch` answered here) meets it: the module settles it
// before the library reads its persisted queues (`settleEarlierQueues`).

const quiet = { warn: () => {}, info: () => {} };
const own = { type: 'track' as const, event: 'own', properties: {} as never, page: { url: 'http://x/', path: '/', search: '', title: '', referrer: '' } };

/** One page load's transport over `read`, as createDelivery makes it (`pageUser`: delivery backend's user), in fake time. */
async function loadPage(read: EnabledSegmentConfig, pageUser?: Promise<string>): Promise<Transport> {
  // The transform in use ends the call settings, as `pathParts` adds it.
  const config = { ...read, callSettings: withTransform(read.callSettings, 'none') };
  let loaded: Transport | undefined;
  void loadSegmentTransport(config, {
    logger: quiet,
    scheduler: wallClockScheduler,
    storedOwner: createStoredOwner(localStorage, config.writeKey, { identifiesUsers: true }),
    insideLibrary: pageRedactionPlugin(createPrivacy().library),
    localStorage: probeLocalStorage(() => localStorage),
    pageUser,
  }).then(transport => (loaded = transport));
  await advanceUntil(() => expect(loaded).toBeDefined());
  return loaded!;
}

/** The library's persisted queue of `writeKey`, holding one track call `messageId` (of `userId`). */
function leftInLibraryQueue(writeKey: string, messageId: string, userId?: string) {
  const left = [{ id: `ctx-${messageId}`, event: { type: 'track', event: 'left', userId, anonymousId: 'anon-1', messageId, properties: {}, context: {} } }];
  localStorage.setItem(`persisted-queue:v1:${writeKey}:dest-Segment.io:items`, JSON.stringify(left));
}

let bodies: string[];
beforeEach(() => {
  localStorage.clear();
  bodies = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
    bodies.push(String(init?.body));
    return new Response('{}', { status: 200 });
  });
  jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
  localStorage.clear();
});

/** Sends a call of this load and waits for it, then lets a minute of the page's time pass (the restored calls' flush, retries). */
async function aMinuteAfterOwnCall(transport: Transport) {
  void transport.send({ ...own, timestamp: new Date() }, {});
  await advanceUntil(() => expect(bodies.some(body => body.includes('"own"'))).toBe(true));
  await jest.advanceTimersByTimeAsync(60_000);
}

describe('delivery: backend, the library queue an earlier user left (the relay sends every call as the cookie\'s user)', () => {
  const relayConfig = () => {
    const config = readSegmentConfig(new ConfigReader({ app: { analytics: { segment: { delivery: 'backend' } } }, backend: { baseUrl: 'http://127.0.0.1:9' } }));
    if (!config.enabled) throw new Error('expected an enabled config');
    return config;
  };

  it.each<[string, string, boolean]>([
    ['another user signed in now: not sent, removed', 'alice-id', false],
    ['the same user signed in again: sent', 'bob-id', true],
  ])('%s', async (_label, pageUser, sent) => {
    leftInLibraryQueue(RELAY_WRITE_KEY, `left-by-bob-${pageUser}`, 'bob-id');
    const transport = await loadPage(relayConfig(), Promise.resolve(pageUser));
    await aMinuteAfterOwnCall(transport);
    expect(bodies.some(body => body.includes(`left-by-bob-${pageUser}`))).toBe(sent);
    expect((localStorage.getItem(`persisted-queue:v1:${RELAY_WRITE_KEY}:dest-Segment.io:items`) ?? '').includes('left-by-bob')).toBe(false);
  });
});

describe('a lock of the library queue left ahead of a wall clock that stepped back since', () => {
  it('is released before the library loads: what the queue kept is sent', async () => {
    const writeKey = 'stale-lock';
    leftInLibraryQueue(writeKey, 'left-behind-lock');
    // A lock the library left as its write failed, an hour ahead of the clock now.
    localStorage.setItem(`persisted-queue:v1:${writeKey}:dest-Segment.io:lock`, String(Date.now() + 3_600_000));
    const errors = jest.spyOn(console, 'error').mockImplementation(() => {});
    const transport = await loadPage(readEnabled({ writeKey, cdnSettings: 'local', apiHost: 'http://127.0.0.1:9/v1' }));
    await aMinuteAfterOwnCall(transport);
    expect(bodies.filter(body => body.includes('left-behind-lock'))).toHaveLength(1);
    expect(errors.mock.calls.map(call => String(call[0]))).not.toContain('Unable to retrieve lock');
  });
});

describe("another write key's expired kept calls (a rotated key: no load reads them)", () => {
  it('are removed from the browser as the library loads; its recent ones are kept', async () => {
    const HOUR = 3_600_000;
    const call = (id: string, at: number) => ({ messageId: id, owner: 'user:default/jane', call: { ...own, properties: { subject: id } as never, timestamp: new Date(at) } });
    // Written as by a store that keeps them longer: only the purge removes them.
    const rotated = () => createCallStore({ storage: localStorage, writeKey: 'rotated', now: Date.now, logger: quiet, maxAgeMs: 100 * HOUR });
    rotated().save([call('rotated-old', Date.now() - 25 * HOUR)]);
    rotated().save([call('rotated-recent', Date.now() - HOUR)]);
    await loadPage(readEnabled({ writeKey: 'current', cdnSettings: 'local', apiHost: 'http://127.0.0.1:9/v1' }));
    const stored = Object.keys(localStorage).map(key => localStorage.getItem(key)).join('\n');
    expect(stored).not.toContain('rotated-old');
    expect(stored).toContain('rotated-recent');
  });
});
