import { readEnabled } from './configReading';
import { createPrivacy } from '../privacy/createPrivacy';
import { pageRedactionPlugin } from '../privacy/pageRedactionPlugin';
import { loadSegmentTransport } from '../delivery/segmentTransport';
import { probeLocalStorage } from '../delivery/storageProbe';
import { createStoredOwner } from '../delivery/storedOwner';
import { browserScheduler } from '../time/scheduler';

/**
 * The transport of one page load, the real library in jsdom with standard
 * delivery (requests to an unreachable host unless `fetch` is answered by
 * the test), and the record of the stored identity's owner, as
 * createDelivery makes them; `segment`: more of its config, `logger`: where
 * its warnings go.
 */
export function loadPageTransport(writeKey: string, { segment = {}, logger = { warn: jest.fn(), info: jest.fn() } } = {}) {
  const config = readEnabled({ writeKey, cdnSettings: 'local', apiHost: 'http://127.0.0.1:9/v1', ...segment });
  return loadSegmentTransport(config, {
    logger,
    scheduler: browserScheduler,
    storedOwner: createStoredOwner(localStorage, writeKey, { identifiesUsers: true }),
    insideLibrary: pageRedactionPlugin(createPrivacy().library),
    localStorage: probeLocalStorage(() => localStorage),
  });
}
