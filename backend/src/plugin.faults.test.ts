import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startFakeSegment } from './__testUtils__/fakeSegment';
import { ALICE, ALICE_COOKIE, HMAC_KEY, WRITE_KEY, post, startRelay, trackCall, useRelay } from './__testUtils__/startRelay';

/** Streams `body` to the relay in chunks, without a Content-Length, as a client may. */
function postChunked(server: { address(): AddressInfo | string | null }, path: string, body: string) {
  const { port } = server.address() as AddressInfo;
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: `/api/segment-analytics/v1/${path}`, headers: { Cookie: ALICE_COOKIE, 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' } }, res => {
      const chunks: Buffer[] = [];
      res.on('data', chunk => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 4096) req.write(body.slice(i, i + 4096));
    req.end();
  });
}

describe('nothing lost on the way', () => {
  const ctx = useRelay({ config: { timeoutMs: 3000 } });
  beforeEach(() => {
    ctx.segment.requests.length = 0;
    ctx.segment.answer({ status: 200 });
  });

  it("passes Segment's 503 back as 503, and the retry with the same messageId goes through", async () => {
    const call = trackCall();
    ctx.segment.answer({ status: 503 });
    const failed = await post(ctx.relay.server, 't', call);
    expect(failed.status).toBe(503);
    expect(failed.body.error.message).toMatch(/Segment answered 503; retry later with the same messageIds/);

    ctx.segment.answer({ status: 200 });
    expect((await post(ctx.relay.server, 't', call)).status).toBe(200);
    expect(ctx.segment.messages().map(m => m.messageId)).toEqual([call.messageId, call.messageId]);
  });

  it("passes Segment's 429 back with its Retry-After, raised to 30 s when it asks for less", async () => {
    ctx.segment.answer({ status: 429, headers: { 'Retry-After': '45' } });
    const res = await post(ctx.relay.server, 'b', { batch: [trackCall()] });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('45');
    ctx.segment.answer({ status: 429, headers: { 'Retry-After': '1' } });
    const short = await post(ctx.relay.server, 't', trackCall());
    expect(short.status).toBe(429);
    expect(short.headers['retry-after']).toBe('30');
  });

  it.each([
    [500, 502],
    [501, 502],
    [504, 504],
  ])('answers %i from Segment with the retryable %i', async (upstream, answered) => {
    ctx.segment.answer({ status: upstream });
    expect((await post(ctx.relay.server, 't', trackCall())).status).toBe(answered);
  });

  it('answers 504 when Segment does not answer within timeoutMs', async () => {
    ctx.segment.answer('hang');
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      let answered = false;
      const pending = post(ctx.relay.server, 't', trackCall()).then(res => {
        answered = true;
        return res;
      });
      await ctx.segment.received(1);
      jest.advanceTimersByTime(2999);
      for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve));
      expect(answered).toBe(false);
      jest.advanceTimersByTime(1);
      const res = await pending;
      expect(res.status).toBe(504);
      expect(res.body.error.message).toMatch(/Segment did not answer within 3000 ms/);
    } finally {
      jest.useRealTimers();
    }
  });

  it('sends a large batch that goes to Segment as several requests all at once, within one timeoutMs', async () => {
    // Tiny calls grow once the server's ids are set: this batch (under 500 KB) goes to Segment as more than one body.
    const batch = Array.from({ length: 6000 }, (_, i) => ({ type: 'track', event: 'e', messageId: `m-${i}` }));
    ctx.segment.answer('hang');
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const turns = async (until: () => boolean) => {
      for (let i = 0; i < 200 && !until(); i++) await new Promise(resolve => setImmediate(resolve));
    };
    try {
      const send = () => {
        const state = { answered: false, status: 0 };
        post(ctx.relay.server, 'b', { batch }).then(res => Object.assign(state, { answered: true, status: res.status }));
        return state;
      };
      // Segment answers every body after 2 s: delivered at 2 s (one body after the other took 4 s, past timeoutMs).
      const first = send();
      await ctx.segment.received(2);
      jest.advanceTimersByTime(2000);
      ctx.segment.release(200);
      await turns(() => first.answered);
      expect(first).toEqual({ answered: true, status: 200 });

      // Segment hangs: 504 once timeoutMs has passed, for all the bodies together.
      const second = send();
      await ctx.segment.received(4);
      jest.advanceTimersByTime(2999);
      await turns(() => false);
      expect(second.answered).toBe(false);
      jest.advanceTimersByTime(1);
      await turns(() => second.answered);
      expect(second).toEqual({ answered: true, status: 504 });
    } finally {
      jest.useRealTimers();
      ctx.segment.release(200);
    }
  });

  it('answers 502 when Segment cannot be reached', async () => {
    const gone = await startFakeSegment();
    await gone.close();
    const unreachable = await startRelay({ upstreamUrl: gone.url });
    expect((await post(unreachable.server, 't', trackCall())).status).toBe(502);
  });

  it("answers 502 (retried) and logs an error naming the config keys when Segment refuses the relay's write key", async () => {
    ctx.segment.answer({ status: 401 });
    expect((await post(ctx.relay.server, 't', trackCall())).status).toBe(502);
    expect(ctx.relay.logs.some(line => /^error Segment relay: Segment answered 401 .*segmentAnalytics\.writeKey and upstreamUrl/.test(line))).toBe(true);
  });

  it("passes Segment's 400 back (the library drops it: retrying cannot help)", async () => {
    ctx.segment.answer({ status: 400 });
    expect((await post(ctx.relay.server, 't', trackCall())).status).toBe(400);
  });
});

describe('bounded and checked like Segment', () => {
  const ctx = useRelay();

  it('refuses a single call over 32 KB with 413', async () => {
    const res = await post(ctx.relay.server, 't', trackCall({ properties: { text: 'x'.repeat(33 * 1024) } }));
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/the message is \d+ bytes; Segment accepts at most 32768/);
  });

  it('refuses a streamed body (no Content-Length) as soon as it passes 32 KB', async () => {
    const res = await postChunked(ctx.relay.server as any, 't', JSON.stringify(trackCall({ properties: { text: 'x'.repeat(40 * 1024) } })));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text).error.message).toBe('the message is more than 32768 bytes; Segment accepts at most 32768');
  });

  it('refuses a batch body over 500 KB with 413', async () => {
    const batch = Array.from({ length: 20 }, () => trackCall({ properties: { text: 'x'.repeat(30 * 1024) } }));
    const res = await post(ctx.relay.server, 'b', { batch });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/the batch body is \d+ bytes; Segment accepts at most 512000/);
  });

  it('refuses an invalid message with 400 naming what is wrong', async () => {
    const res = await post(ctx.relay.server, 'b', { batch: [trackCall(), trackCall({ messageId: '' })] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^batch\[1\]: messageId is required/);
  });

  it('answers 404 for an unknown path and 405 for a method other than POST', async () => {
    for (const path of ['x', 'batch', 'T', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect([path, (await post(ctx.relay.server, path, trackCall())).status]).toEqual([path, 404]);
    }
    const get = await request(ctx.relay.server).get('/api/segment-analytics/v1/t').set('Cookie', ALICE_COOKIE);
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(ctx.segment.requests).toHaveLength(0);
  });
});

describe('secrets and what users sent', () => {
  it('appear in no answer and no log line', async () => {
    const segment = await startFakeSegment();
    const relay = await startRelay({ upstreamUrl: segment.url, config: { groups: true }, ownership: ['group:default/secret-team'] });
    const marker = 'body-marker-alice@example.com';
    const answers = [];
    for (const upstream of [200, 503, 401, 400, 500]) {
      segment.answer({ status: upstream });
      answers.push(await post(relay.server, 'i', trackCall({ type: 'identify', event: undefined, traits: { email: marker } })));
    }
    answers.push(await post(relay.server, 't', trackCall({ properties: { marker, pad: 'x'.repeat(40_000) } })));
    answers.push(await post(relay.server, 't', trackCall({ event: { marker } })));
    answers.push(await post(relay.server, 't', `{"broken": "${marker}`));
    answers.push(await post(relay.server, 't', trackCall({ marker }), { Cookie: null }));
    segment.answer('hang');
    await segment.close();

    expect(answers.map(res => res.status)).toEqual([200, 503, 502, 400, 502, 413, 400, 400, 401]);
    const said = [...answers.map(res => JSON.stringify(res.headers) + res.text), ...relay.logs].join('\n');
    for (const secret of [WRITE_KEY, HMAC_KEY, ALICE, 'alice', 'secret-team', marker]) expect(said).not.toContain(secret);
    expect(relay.logs.length).toBeGreaterThan(0);
  });
});
