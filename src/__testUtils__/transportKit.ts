import { readEnabled } from './configReading';
import { TransformKind, withTransform } from '../config/callSettings';
import { createPrivacy } from '../privacy/createPrivacy';
import { pageRedactionPlugin } from '../delivery/pageRedactionPlugin';
import { loadSegmentTransport } from '../delivery/segmentTransport';
import { probeLocalStorage } from '../delivery/storageProbe';
import { createStoredOwner } from '../delivery/storedOwner';
import { browserScheduler } from '../time/scheduler';

/**
 * The transport of one page load, the real library in jsdom with standard
 * delivery (requests to an unreachable host unless `fetch` is answered by
 * the test), and the record of the stored identity's owner, as
 * createDelivery makes them; `segment`: more of its config, `transform`:
 * the user id transform in use, which `pathParts` adds to the call settings
 * (`none`, `sha-256` or `function`), `logger`: where its warnings go.
 */
export function loadPageTransport(writeKey: string, { segment = {}, transform = 'none' as TransformKind, logger = { warn: jest.fn(), info: jest.fn() } } = {}) {
  const read = readEnabled({ writeKey, cdnSettings: 'local', apiHost: 'http://127.0.0.1:9/v1', ...segment });
  const config = { ...read, callSettings: withTransform(read.callSettings, transform) };
  return loadSegmentTransport(config, {
    logger,
    scheduler: browserScheduler,
    storedOwner: createStoredOwner(localStorage, writeKey, { identifiesUsers: true, libraryCookies: !read.agent.disableCookies }),
    insideLibrary: pageRedactionPlugin(createPrivacy().library),
    localStorage: probeLocalStorage(() => localStorage),
  });
}
