import { ConfigReader } from '@backstage/config';
import { SegmentAnalytics, SegmentAnalyticsOptions } from './SegmentAnalytics';
import { advanceUntil } from './__testUtils__/fakeTime';
import { identityAnswering } from './__testUtils__/identityApis';
import { WRITE_KEY_CLAIMS } from './oncePerWriteKey';
import { CollectedMessage } from './__testUtils__/loopbackCollector';
import { setupWireCollector, userIdentity } from './__testUtils__/wireTest';

// The real library, to the embedded collector: whose identity the browser
// holds, as createDelivery records it (its stored owner), load after load
// of one write key; each load a new instance in this window (an earlier one
// stays in this window, the page it ran in left).

const wire = setupWireCollector('stored-owner');
const context = { routeRef: 'r', pluginId: 'p', extension: 'e' };
let writeKey = '';
let loads = 0;

/** A page load on this test's write key: clicks `subject` and returns the message it sent. */
async function pageLoad(subject: string, options: SegmentAnalyticsOptions, segment: object = {}): Promise<CollectedMessage> {
  const { url, apiHost } = wire.collector;
  // A new page: the last one was left, and its instance's claim of the write key went with it.
  if (loads++) window.dispatchEvent(new Event('pagehide'));
  delete (globalThis as Record<symbol, unknown>)[WRITE_KEY_CLAIMS];
  const analytics = SegmentAnalytics.fromConfig(
    new ConfigReader({ app: { analytics: { segment: { writeKey, cdnURL: url, apiHost: `http://${apiHost}`, ...segment } } } }),
    options,
  );
  analytics.captureEvent({ action: 'click', subject, context });
  let sent: CollectedMessage | undefined;
  await advanceUntil(async () => {
    sent = (await wire.collector.messages()).find(m => m.writeKey === writeKey && m.properties?.subject === subject);
    expect(sent).toBeDefined();
  });
  return sent!;
}

const failingIdentity = () => identityAnswering(() => Promise.reject(new Error('identity backend down')));

beforeEach(() => {
  writeKey = `stored-owner-key-${Date.now()}-${loads}`;
  jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  jest.restoreAllMocks();
  for (const c of document.cookie.split(';')) document.cookie = `${c.split('=')[0].trim()}=; max-age=0; path=/`;
});

// First in this file: the instances of earlier tests stay in the window, and write their own cookies once
// localStorage refuses their writes too.
describe('agent.disableCookies, localStorage full', () => {
  it('localStorage full (it refuses the record of whose identity the browser holds): no cookie is written either', async () => {
    const write = Storage.prototype.setItem;
    jest.spyOn(Storage.prototype, 'setItem').mockImplementation(function full(this: Storage, key: string, value: string) {
      if (this === localStorage) throw new DOMException('full', 'QuotaExceededError');
      return write.call(this, key, value);
    });
    await pageLoad('jane', { identityApi: userIdentity('user:default/jane') }, { agent: { disableCookies: true } });
    await jest.advanceTimersByTimeAsync(2000);
    expect(document.cookie).toBe('');
  });
});

describe('an app that identifies its users (an identity API)', () => {
  it('a load whose identity failed, then Bob signs in on the next: Bob starts with a fresh anonymous id, not the unidentified one', async () => {
    const anonymous = await pageLoad('unidentified', { identityApi: failingIdentity() });
    expect(anonymous.userId ?? null).toBeNull();
    const bob = await pageLoad('bob', { identityApi: userIdentity('user:default/bob') });
    expect(bob.userId).toBe('user:default/bob');
    expect(bob.anonymousId).not.toBe(anonymous.anonymousId);
  });
});

describe('agent.disableCookies: the ajs_user_id cookie another site on the cookie domain wrote is not this app\'s', () => {
  it('identity failing on every load: one anonymous id throughout, though that cookie names someone', async () => {
    const segment = { agent: { disableCookies: true } };
    const first = await pageLoad('first', { identityApi: failingIdentity() }, segment);
    document.cookie = `ajs_user_id=${encodeURIComponent(JSON.stringify('someone@else.example'))}; path=/`;
    const second = await pageLoad('second', { identityApi: failingIdentity() }, segment);
    expect(second.anonymousId).toBe(first.anonymousId);
  });
});
