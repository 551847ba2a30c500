import { ConfigReader } from '@backstage/config';
import { SegmentAnalytics } from './SegmentAnalytics';
import { untilRealWork } from './__testUtils__/realWork';

// A page load with analytics off for this browser removes the events an
// earlier load kept for the next one (they hold users' refs and pages, and
// localStorage has no expiry): no load of this config would send them.

const KEPT = {
  'backstage-segment:old-key:pending': '{"v":1,"calls":[{"owner":"user:default/jane"}]}',
  'backstage-segment:k:pending': '{"v":1,"calls":[]}',
  // A page's own copy, of a write key whose shared key is gone.
  'backstage-segment:copy-key:pending:page-1f2e': '{"v":1,"calls":[{"owner":"user:default/jane"}]}',
};

function keep() {
  localStorage.clear();
  for (const [key, value] of Object.entries(KEPT)) localStorage.setItem(key, value);
  localStorage.setItem('backstage-segment:k:user', 'user:default/jane');
  localStorage.setItem('ajs_user_id', '"user:default/jane"');
  localStorage.setItem('persisted-queue:v1:old-key:dest-Segment.io:items', '[{"event":{"userId":"user:default/jane"}}]');
  localStorage.setItem('persisted-queue:v1:another-app:event-queue:items', '[]');
  localStorage.setItem('unrelated', '1');
}

const fromSegment = (segment: object) =>
  SegmentAnalytics.fromConfig(new ConfigReader({ app: { analytics: { segment } } }), {});
/** The page's next task, when a load removes what it removes (see `dropKeptCallsSoon`). */
const nextTask = () => jest.runOnlyPendingTimers();

beforeEach(() => {
  jest.spyOn(console, 'info').mockImplementation(() => {});
  keep();
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
  localStorage.clear();
});

describe('a load with analytics off for this browser', () => {
  it("enabled: false removes the events kept for a next load, the module's and the library's, of every write key it stored for", () => {
    jest.useFakeTimers();
    fromSegment({ enabled: false });
    nextTask();
    expect(Object.keys(localStorage).sort()).toEqual([
      'ajs_user_id',
      'backstage-segment:k:user',
      'persisted-queue:v1:another-app:event-queue:items', // a key the module never stored for: not its own
      'unrelated',
    ]);
  });

  const OFF = { enabled: false };
  const NOT_KEPT = { writeKey: 'k2', testMode: true, agent: { disableClientPersistence: true } };
  it.each<[string, 'before' | 'after', object]>([
    ['enabled: false', 'before', OFF],
    ['enabled: false', 'after', OFF],
    ['agent.disableClientPersistence', 'before', NOT_KEPT],
    ['agent.disableClientPersistence', 'after', NOT_KEPT],
  ])('%s keeps those of a write key another instance in this page sends for, built %s it in the same task', (_label, order, off) => {
    jest.useFakeTimers();
    const other = () => fromSegment({ writeKey: 'k', testMode: true });
    if (order === 'before') other();
    fromSegment(off);
    if (order === 'after') other();
    nextTask();
    expect(Object.keys(localStorage).filter(key => key.endsWith(':pending'))).toEqual(['backstage-segment:k:pending']);
  });

  it('agent.disableClientPersistence removes them too', () => {
    jest.useFakeTimers();
    fromSegment({ writeKey: 'k', testMode: true, agent: { disableClientPersistence: true } });
    nextTask();
    expect(Object.keys(localStorage).filter(key => key.endsWith(':pending'))).toEqual([]);
  });

  it('a load that keeps them (the defaults) leaves them for its delivery to read', () => {
    jest.useFakeTimers();
    fromSegment({ writeKey: 'k2', testMode: true });
    nextTask();
    expect(Object.keys(localStorage).filter(key => key.includes(':pending')).sort()).toEqual(Object.keys(KEPT).sort());
  });

  it('the browser opt-out respected (Global Privacy Control) removes what analytics stored, as the user opting out does', async () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
    try {
      fromSegment({ writeKey: 'k3', testMode: true, respectGlobalPrivacyControl: true });
      // Its code is loaded lazily: waits for that real work to finish; no fixed sleep.
      await untilRealWork(() => localStorage.length <= 2, 'the opt-out removing what analytics stored');
      expect(Object.keys(localStorage).sort()).toEqual(['persisted-queue:v1:another-app:event-queue:items', 'unrelated']);
    } finally {
      delete (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;
    }
  });
});
