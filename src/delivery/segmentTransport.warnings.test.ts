import { readEnabled } from '../__testUtils__/configReading';
import { loadPageTransport } from '../__testUtils__/transportKit';
import { createPrivacy } from '../privacy/createPrivacy';
import { pageRedactionPlugin } from './pageRedactionPlugin';
import { loadSegmentTransport } from './segmentTransport';
import { browserScheduler } from '../time/scheduler';
import { TransformKind, withTransform } from '../config/callSettings';
import { waitFor } from '@testing-library/react';

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

it.each<[string, string, TransformKind]>([
  ['sha-256 (the config, or the code option)', 'removes', 'sha-256'],
  ['a transform given in code (its ids cannot be told from others: a documented limit)', 'keeps', 'function'],
])('a load under %s %s the calls an older tab left in the library queue with a plain user id', async (_label, outcome, transform) => {
  const logger = { warn: jest.fn(), info: jest.fn() };
  const fetchSpy = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('{}', { status: 200 }));
  const queue = 'persisted-queue:v1:pseudonyms:dest-Segment.io:items';
  const left = [{ id: 'c1', event: { type: 'track', event: 'click', userId: 'user:default/jane', messageId: 'm1' } }];
  // This load's settings are the ones recorded (its tab loaded first); the old tab left its queue as it was closed.
  const segment = { userIdTransform: 'sha-256', userIdSalt: 'pepper' };
  localStorage.setItem('backstage-segment:pseudonyms:settings', withTransform(readEnabled({ writeKey: 'pseudonyms', ...segment }).callSettings, transform));
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

it.each<[string, string, object, TransformKind]>([
  ['defaults', 'sends', {}, 'none'],
  ['userIdTransform sha-256', 'does not send', { userIdTransform: 'sha-256' }, 'sha-256'],
  ['maskIP', 'does not send', { maskIP: true }, 'none'],
  ['a redaction rule', 'does not send', { redact: { queryParams: ['ticket'] } }, 'none'],
])("the first load after the public plugin (its library's queue, no settings recorded), under %s, %s what that library kept", async (_label, outcome, segment, transform) => {
  const logger = { warn: jest.fn(), info: jest.fn() };
  const bodies: string[] = [];
  const fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
    bodies.push(String(init?.body));
    return new Response('{}', { status: 200 });
  });
  // The library flushes what it restored after a random delay of up to 5 s: at once here.
  const random = jest.spyOn(Math, 'random').mockReturnValue(0);
  const writeKey = 'migrating';
  const left = [
    { id: 'c1', event: { type: 'page', anonymousId: 'anon-1', messageId: 'left-1', properties: { path: '/catalog/default/user/jane' }, context: {} } },
    { id: 'c2', event: { type: 'track', event: 'click', anonymousId: 'anon-1', messageId: 'left-2', properties: {}, context: {} } },
  ];
  localStorage.setItem(`persisted-queue:v1:${writeKey}:dest-Segment.io:items`, JSON.stringify(left));
  try {
    const transport = await loadPageTransport(writeKey, { segment, transform, logger });
    transport.send({ type: 'track', event: 'own', properties: {} as never, timestamp: new Date(), page: { url: 'http://x/', path: '/', search: '', title: '', referrer: '' } }, {});
    await waitFor(() => expect(bodies.filter(body => /"own"|left-[12]/.test(body))).toHaveLength(outcome === 'sends' ? 3 : 1));
    // Anything else that would go out (the flush of restored calls is a 0 ms timer now; retries): a minute of the page's time.
    jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
    try {
      await jest.advanceTimersByTimeAsync(60_000);
    } finally {
      jest.useRealTimers();
    }
    expect(bodies.filter(body => /left-[12]/.test(body))).toHaveLength(outcome === 'sends' ? 2 : 0);
    expect(logger.warn.mock.calls.some(([message]) => /kept from an earlier page load were not sent/.test(message))).toBe(outcome !== 'sends');
  } finally {
    random.mockRestore();
    fetchSpy.mockRestore();
    localStorage.clear();
  }
});
