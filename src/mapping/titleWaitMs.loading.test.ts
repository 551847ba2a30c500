import { SegmentCall } from './SegmentCall';
import { CurrentDocument, TITLE_QUIET_MS, TITLE_WAIT_MS, titleWaitMs } from './pageHistory';

// A page call's wait for its title counts the page's loading indicator as a
// change: the title counts once both have been quiet for the quiet period.

const ORIGIN = 'http://localhost:3000';
const captured = 10_000;
const call: SegmentCall = {
  type: 'page',
  properties: { subject: '/create', action: 'navigate', title: 'Home | App' },
  page: { url: `${ORIGIN}/create`, path: '/create', search: '', title: 'Home | App', referrer: '' },
  timestamp: new Date(captured),
};
const interim = { href: `${ORIGIN}/create`, title: 'Create | App', titleChangedAt: captured + 50 };

describe('titleWaitMs with a loading indicator', () => {
  it.each<[string, CurrentDocument, number, number]>([
    ['the title quiet, the page loading now: waits the quiet period', { ...interim, loadingSeenAt: captured + 1500 }, captured + 1500, TITLE_QUIET_MS],
    ['the title quiet, loading seen 400 ms ago: waits the rest', { ...interim, loadingSeenAt: captured + 1100 }, captured + 1500, TITLE_QUIET_MS - 400],
    ['loading ended long enough ago: no waiting', { ...interim, loadingSeenAt: captured + 1500 - TITLE_QUIET_MS }, captured + 1500, 0],
    ['loading seen before the title changed: the title decides', { ...interim, loadingSeenAt: captured }, captured + 1500, 0],
    ['still loading at the limit: the limit wins', { ...interim, loadingSeenAt: captured + TITLE_WAIT_MS - 10 }, captured + TITLE_WAIT_MS - 10, 10],
    ['never loading: as without', interim, captured + 1500, 0],
  ])('%s', (_label, current, now, expected) => {
    expect(titleWaitMs(call, current, { capturedAt: captured, now })).toBe(expected);
  });
});
