import { readEnabled } from '../__testUtils__/configReading';
import { untilRealWork } from '../__testUtils__/realWork';
import { clickCall } from '../__testUtils__/deliveryTestKit';
import { createPrivacy } from '../privacy/createPrivacy';
import { pageRedactionPlugin } from './pageRedactionPlugin';
import { browserScheduler } from '../time/scheduler';
import { createCallStore } from './callStore';
import { loadSegmentTransport } from './segmentTransport';
import { probeLocalStorage } from './storageProbe';
import { createStoredOwner } from './storedOwner';

// A page left while a call's request was on its way, with the real library in jsdom: the library keeps that
// call (its requests in flight are persisted on pagehide) and so does the module (it kept what it handed over
// as the page was left). The next load must send it once.

// A write key per test: the libraries of a test before stay alive in the same window (and follow its pagehide).
let WRITE_KEY = '';
const libraryKey = (what: 'items' | 'seen') => `persisted-queue:v1:${WRITE_KEY}:dest-Segment.io:${what}`;
const quiet = { warn: () => {}, info: () => {} };

/** A page load's transport, with its carry-over store, as createDelivery makes them. */
const loadPage = () =>
  loadSegmentTransport(readEnabled({ writeKey: WRITE_KEY, cdnSettings: 'local', apiHost: 'http://127.0.0.1:9/v1' }), {
    logger: quiet,
    scheduler: browserScheduler,
    storedOwner: createStoredOwner(localStorage, WRITE_KEY, { identifiesUsers: true }),
    keptCalls: createCallStore({ storage: localStorage, writeKey: WRITE_KEY, now: Date.now, logger: quiet }),
    insideLibrary: pageRedactionPlugin(createPrivacy().library),
    localStorage: probeLocalStorage(() => localStorage),
  });
const keptIds = () => createCallStore({ storage: localStorage, writeKey: WRITE_KEY, now: Date.now, logger: quiet }).load().map(c => c.messageId);

afterEach(() => jest.restoreAllMocks());

// The module's copy is removed, the library's sent: at once, for the user it was built for, whoever signs in next
// (the module's would wait for that user). With its tries afresh: the library drops unsent a kept call whose tries
// are used up (one on its way at its last try, or every one where the CDN settings allow a single try).
it.each<[string, number | undefined]>([
  ['with tries left', undefined],
  ['its tries used up', 10],
])("a call the library kept in flight and the module kept too is sent once by the next load, by the library (%s); the module keeps its other calls", async (_label, tries) => {
  localStorage.clear();
  WRITE_KEY = `in-flight-${tries ?? 'fresh'}`;
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
  expect(localStorage.getItem(libraryKey('items'))).toContain('ajs-next-1-on-its-way');
  if (tries) {
    const seen = JSON.parse(localStorage.getItem(libraryKey('seen')) ?? '{}');
    localStorage.setItem(libraryKey('seen'), JSON.stringify(Object.fromEntries(Object.keys(seen).map(id => [id, tries]))));
  }

  // Page 2: the library sends what it kept; the module keeps only what the library did not.
  const posted: Array<Record<string, any>> = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
    posted.push(JSON.parse(String(init?.body)));
    return new Response('{}', { status: 200 });
  });
  await loadPage();
  expect(keptIds()).toEqual(['ajs-next-2-waiting']);
  const tracks = () => posted.filter(body => body.type === 'track');
  await untilRealWork(() => tracks().length > 0, "the library's resend");
  // And nothing after it: whatever the page would do next (the library's flushes and retries, the module's
  // timers), for a minute of its time.
  jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
  try {
    await jest.advanceTimersByTimeAsync(60_000);
  } finally {
    jest.useRealTimers();
  }
  expect(tracks().map(body => [body.messageId, body.userId])).toEqual([['ajs-next-1-on-its-way', 'user-digest']]);
});
