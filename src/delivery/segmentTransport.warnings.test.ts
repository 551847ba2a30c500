import { readEnabled } from '../__testUtils__/configReading';
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
