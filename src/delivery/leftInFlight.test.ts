import { readEnabled } from '../__testUtils__/configReading';
import { untilRealWork } from '../__testUtils__/realWork';
import { clickCall } from '../__testUtils__/deliveryTestKit';
import { createPrivacy } from '../privacy/createPrivacy';
import { pageRedactionPlugin } from '../privacy/pageRedactionPlugin';
import { browserScheduler } from '../time/scheduler';
import { createCallStore } from './callStore';
import { loadSegmentTransport } from './segmentTransport';
import { probeLocalStorage } from './storageProbe';
import { createStoredOwner } from './storedOwner';

// A page left while a call's request was on its way, with the real library in jsdom: the library keeps that
// call (its requests in flight are persisted on pagehide) and so does the module (it kept what it handed over
// as the page was left). The next load must send it once.

const WRITE_KEY = 'in-flight';
const LIBRARY_QUEUE = `persisted-queue:v1:${WRITE_KEY}:dest-Segment.io:items`;
const quiet = { warn: () => {}, info: () => {} };

/** A page load's transport. */
const loadPage = () =>
  loadSegmentTransport(readEnabled({ writeKey: WRITE_KEY, cdnSettings: 'local', apiHost: 'http://127.0.0.1:9/v1' }), {
    logger: quiet,
    scheduler: browserScheduler,
    storedOwner: createStoredOwner(localStorage, WRITE_KEY, true),
    insideLibrary: pageRedactionPlugin(createPrivacy().library),
    localStorage: probeLocalStorage(() => localStorage),
  });
const keptIds = () => createCallStore({ storage: localStorage, writeKey: WRITE_KEY, now: Date.now, logger: quiet }).load().map(c => c.messageId);

afterEach(() => jest.restoreAllMocks());

// The library's copy is removed, not the module's: the library drops unsent a kept call whose tries are used up
// (one on its way at its last try, or every one where the CDN allows a single try); the module's has its own.
it("a call the library kept in flight and the module kept too is the module's to send, once", async () => {
  localStorage.clear();
  // Page 1: the request never answers before the page goes.
  const onItsWay = jest.spyOn(globalThis, 'fetch').mockImplementation(() => new Promise(() => {}));
  const first = await loadPage();
  first.startSession('user-digest', new Date());
  const leaving = clickCall('on its way');
  void first.send(leaving, { userId: 'user-digest', messageId: 'ajs-next-1-on-its-way' });
  await untilRealWork(() => onItsWay.mock.calls.some(([, init]) => String(init?.body).includes('on its way')), 'the request on its way');
  // What the module keeps as the page is left: that call, and one it had not handed over.
  createCallStore({ storage: localStorage, writeKey: WRITE_KEY, now: Date.now, logger: quiet }).save([
    { messageId: 'ajs-next-1-on-its-way', owner: 'user-digest', call: leaving },
    { messageId: 'ajs-next-2-waiting', owner: 'user-digest', call: clickCall('waiting') },
  ]);
  window.dispatchEvent(new Event('pagehide'));
  expect(localStorage.getItem(LIBRARY_QUEUE)).toContain('ajs-next-1-on-its-way');

  // Page 2: the library sends what it kept alone (the identify on its way); the module keeps both calls, to send.
  const posted: Array<Record<string, any>> = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
    posted.push(JSON.parse(String(init?.body)));
    return new Response('{}', { status: 200 });
  });
  await loadPage();
  expect(localStorage.getItem(LIBRARY_QUEUE) ?? '').not.toContain('ajs-next-1-on-its-way');
  await untilRealWork(() => posted.some(body => body.type === 'identify'), "the library's own resend");
  await new Promise(resolve => setTimeout(resolve, 50)); // and nothing after it
  expect(posted.filter(body => body.type === 'track')).toEqual([]);
  expect(keptIds().sort()).toEqual(['ajs-next-1-on-its-way', 'ajs-next-2-waiting']);
});
