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

it('a load under sha-256 does not let its library send the plain user ids of calls an older tab left in its queue', async () => {
  const logger = { warn: jest.fn(), info: jest.fn() };
  const queue = 'persisted-queue:v1:pseudonyms:dest-Segment.io:items';
  const left = [{ id: 'c1', event: { type: 'track', event: 'click', userId: 'user:default/jane', messageId: 'm1' } }];
  // This load's settings are the ones recorded (its tab loaded first); the old tab left its queue as it was closed.
  const segment = { userIdTransform: 'sha-256', userIdSalt: 'pepper' };
  localStorage.setItem('backstage-segment:pseudonyms:settings', `${readEnabled({ writeKey: 'pseudonyms', ...segment }).callSettings}`);
  localStorage.setItem(queue, JSON.stringify(left));
  try {
    await loadPageTransport('pseudonyms', { segment, logger });
    expect(localStorage.getItem(queue)).toBeNull();
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/kept from an earlier page load were not sent/));
  } finally {
    localStorage.clear();
  }
});
