import { readEnabled } from '../__testUtils__/configReading';
import { loadPageTransport } from '../__testUtils__/transportKit';
import { createPrivacy } from '../privacy/createPrivacy';
import { pageRedactionPlugin } from '../privacy/pageRedactionPlugin';
import { loadSegmentTransport } from './segmentTransport';
import { browserScheduler } from '../time/scheduler';

// The real library in jsdom, with local settings: loading it makes no request.

it('an empty apiHost is warned about once per page, though the library loads again each time analytics is switched back on', async () => {
  const config = readEnabled({ writeKey: 'warnings', apiHost: '', cdnSettings: 'local' });
  const logger = { warn: jest.fn(), info: jest.fn() };
  const fetchSpy = jest.spyOn(globalThis, 'fetch');
  try {
    for (let load = 0; load < 3; load++) {
      await loadSegmentTransport(config, {
        logger,
        scheduler: browserScheduler,
        insideLibrary: pageRedactionPlugin(createPrivacy().library),
      });
    }
    expect(logger.warn.mock.calls.map(call => String(call[0])).filter(line => line.includes('apiHost is empty'))).toEqual([
      expect.stringContaining("events go to Segment's https://api.segment.io/v1"),
    ]);
    expect(fetchSpy).not.toHaveBeenCalled();
  } finally {
    fetchSpy.mockRestore();
  }
});

it.each([
  ['sha-256 (the config, or the code option)', 'removes', 'sha-256'],
  ['a transform given in code (its ids cannot be told from others: a documented limit)', 'keeps', 'function'],
])('a load under %s %s the calls an older tab left in the library queue with a plain user id', async (_label, outcome, transform) => {
  const logger = { warn: jest.fn(), info: jest.fn() };
  const fetchSpy = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('{}', { status: 200 }));
  const queue = 'persisted-queue:v1:pseudonyms:dest-Segment.io:items';
  const left = [{ id: 'c1', event: { type: 'track', event: 'click', userId: 'user:default/jane', messageId: 'm1' } }];
  // This load's settings are the ones recorded (its tab loaded first); the old tab left its queue as it was closed.
  const segment = { userIdTransform: 'sha-256', userIdSalt: 'pepper' };
  localStorage.setItem('backstage-segment:pseudonyms:settings', `${readEnabled({ writeKey: 'pseudonyms', ...segment }).callSettings}.${transform}`);
  localStorage.setItem(queue, JSON.stringify(left));
  try {
    await loadPageTransport('pseudonyms', { segment, transform, logger });
    const removed = logger.warn.mock.calls.some(([message]) => /kept from an earlier page load were not sent/.test(message));
    expect(removed ? 'removes' : 'keeps').toBe(outcome);
  } finally {
    fetchSpy.mockRestore();
    localStorage.clear();
  }
});
