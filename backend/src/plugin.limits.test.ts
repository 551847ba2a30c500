import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ALICE_COOKIE, post, trackCall, useRelay } from './__testUtils__/startRelay';
import { GROUP_CALL_CHARGE, inFlightCharge, MAX_BYTES_IN_FLIGHT, MAX_REQUESTS_IN_FLIGHT } from './router/inFlightLimit';
import { bodyShape } from './wire/bodyShape';
import { BODY_DEADLINE_MS } from './router/readBody';
import { gzipSync } from 'node:zlib';

/** A raw connection to the relay whose request has been taken up by the backend (it answered `100 Continue`). */
type OpenRequest = { socket: Socket; received(): string; closed: Promise<string> };

/** Sends the head of `POST /v1/{path}` declaring a 1000-byte body, and waits until the backend has taken it up. */
async function openRequest(server: { address(): AddressInfo | string | null }, path: string): Promise<OpenRequest> {
  const { port } = server.address() as AddressInfo;
  const socket = connect(port, '127.0.0.1');
  let text = '';
  const closed = new Promise<string>(resolve => socket.on('close', () => resolve(text)));
  socket.on('error', () => undefined);
  const head = [
    `POST /api/segment-analytics/v1/${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    `Cookie: ${ALICE_COOKIE}`,
    'Content-Type: text/plain',
    'Content-Length: 1000',
    'Expect: 100-continue',
  ];
  socket.write(`${head.join('\r\n')}\r\n\r\n`);
  await new Promise<void>(resolve => {
    socket.on('data', chunk => {
      text += chunk;
      if (text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        text = text.slice('HTTP/1.1 100 Continue\r\n\r\n'.length);
        resolve();
      }
    });
  });
  return { socket, received: () => text, closed };
}

const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise(resolve => setImmediate(resolve));
};

describe('reading the body', () => {
  const ctx = useRelay();

  it('answers 408 and closes the connection when the body is not complete within the deadline', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const timers = jest.getTimerCount();
      const conn = await openRequest(ctx.relay.server as any, 't');
      conn.socket.write('{"type":"track"');
      for (let i = 0; i < 100 && jest.getTimerCount() === timers; i++) await turns(1);
      expect(jest.getTimerCount()).toBeGreaterThan(timers);
      jest.advanceTimersByTime(BODY_DEADLINE_MS - 1);
      await turns(5);
      expect(conn.received()).toBe('');
      jest.advanceTimersByTime(1);
      const answer = await conn.closed;
      expect(answer).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n/);
      expect(answer).toMatch(/\r\nConnection: close\r\n/i);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error).toEqual({
        name: 'RequestTimeoutError',
        message: `the message was not received within ${BODY_DEADLINE_MS / 1000} s; send it again`,
      });
    } finally {
      jest.useRealTimers();
    }
    expect(ctx.segment.requests).toHaveLength(0);
  });

  it('logs a client that aborts mid-body at debug level only, and answers nothing', async () => {
    const from = ctx.relay.logs.length;
    const conn = await openRequest(ctx.relay.server as any, 'b');
    conn.socket.write('{"batch":[');
    conn.socket.destroy();
    const line = await ctx.relay.logged(/closed the connection before its body was read|Request failed/);
    expect(line).toMatch(/^debug Segment relay: the client closed the connection before its body was read; nothing was forwarded/);
    await turns(5);
    expect(ctx.relay.logs.slice(from).filter(l => /^error|status 500/.test(l))).toEqual([]);
    expect(ctx.segment.requests).toHaveLength(0);
  });
});

describe("the body's codings", () => {
  const ctx = useRelay();

  it.each([
    ['no coding named', 200, []],
    ['Content-Encoding: identity', 200, ['Content-Encoding: identity']],
    ['Content-Encoding: Identity (codings are named in any case)', 200, ['Content-Encoding: Identity']],
    ['an empty Content-Encoding', 200, ['Content-Encoding: ']],
    ['Transfer-Encoding: chunked', 200, ['Transfer-Encoding: chunked']],
    ['Content-Encoding: gzip', 415, ['Content-Encoding: gzip']],
    ['Content-Encoding: identity, GZIP', 415, ['Content-Encoding: identity, GZIP']],
    ['Transfer-Encoding: gzip, chunked', 415, ['Transfer-Encoding: gzip, chunked']],
  ])('a body with %s: answered %s', async (_name, status, codings) => {
    const before = ctx.segment.requests.length;
    const { port } = (ctx.relay.server as any).address() as AddressInfo;
    const json = Buffer.from(JSON.stringify(trackCall()));
    const body = codings.some(h => /gzip/i.test(h)) ? gzipSync(json) : json;
    const chunked = codings.some(h => /^Transfer-Encoding/.test(h));
    const framed = chunked ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]) : body;
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const closed = new Promise<void>(resolve => socket.on('close', () => resolve()));
    socket.on('data', chunk => {
      text += chunk;
      if (/\r\n\r\n[\s\S]*\}$/.test(text)) socket.destroy();
    });
    const head = [
      'POST /api/segment-analytics/v1/t HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      `Cookie: ${ALICE_COOKIE}`,
      'Content-Type: text/plain',
      'Connection: close',
      ...(chunked ? [] : [`Content-Length: ${body.length}`]),
      ...codings,
    ];
    socket.write(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), framed]));
    await closed;
    expect(text.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Unsupported Media Type'}`);
    expect(ctx.segment.requests.length - before).toBe(status === 200 ? 1 : 0);
  });
});

describe('requests in flight while Segment hangs', () => {
  const ctx = useRelay({ config: { timeoutMs: 60_000 } });
  afterEach(() => {
    ctx.segment.answer({ status: 200 });
    ctx.segment.release(200);
    ctx.segment.requests.length = 0;
  });

  it(`forwards at most ${MAX_REQUESTS_IN_FLIGHT} at once; the next is answered 503 with Retry-After, later ones go through`, async () => {
    ctx.segment.answer('hang');
    const held = Array.from({ length: MAX_REQUESTS_IN_FLIGHT }, () => post(ctx.relay.server, 't', trackCall()).then(res => res.status));
    await ctx.segment.received(MAX_REQUESTS_IN_FLIGHT);

    const refused = await post(ctx.relay.server, 't', trackCall());
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.body.error).toEqual({
      name: 'ServiceUnavailableError',
      message: `the relay is already forwarding ${MAX_REQUESTS_IN_FLIGHT} requests or 8 MiB, the most it holds at once; ` +
        'retry later with the same messageIds',
    });
    expect((await post(ctx.relay.server, 'b', { batch: [trackCall()] })).status).toBe(503);
    expect(ctx.segment.requests).toHaveLength(MAX_REQUESTS_IN_FLIGHT);
    expect(ctx.relay.logs.filter(line => /^warn Segment relay: the relay is already forwarding/.test(line))).toHaveLength(1);

    ctx.segment.answer({ status: 200 });
    ctx.segment.release(200);
    expect(await Promise.all(held)).toEqual(Array(MAX_REQUESTS_IN_FLIGHT).fill(200));
    const call = trackCall();
    expect((await post(ctx.relay.server, 't', call)).status).toBe(200);
    expect(ctx.segment.messages().at(-1).messageId).toBe(call.messageId);
  });

  it(`holds at most ${MAX_BYTES_IN_FLIGHT / 1024 / 1024} MiB of bodies at once, however few the requests`, async () => {
    const bigBatch = () => ({ batch: Array.from({ length: 16 }, () => trackCall({ properties: { s: 'x'.repeat(30_000) } })) });
    const text = JSON.stringify(bigBatch());
    const size = inFlightCharge(Buffer.byteLength(text), bodyShape(text));
    const fit = Math.floor(MAX_BYTES_IN_FLIGHT / size);
    expect(fit).toBeLessThan(MAX_REQUESTS_IN_FLIGHT / 2);
    ctx.segment.answer('hang');
    const held = Array.from({ length: fit }, () => post(ctx.relay.server, 'b', bigBatch()).then(res => res.status));
    await ctx.segment.received(fit);

    const refused = await post(ctx.relay.server, 'b', bigBatch());
    expect(refused.status).toBe(503);
    expect(ctx.segment.requests).toHaveLength(fit);

    ctx.segment.release(200);
    expect(await Promise.all(held)).toEqual(Array(fit).fill(200));
  });

  it('counts each message of a request besides its bytes: batches of many small messages hold more than their bodies', async () => {
    // Once parsed and rewritten each message costs objects of its own, whatever its size.
    const count = 1_200;
    const smallBatch = () => ({ batch: Array.from({ length: count }, () => trackCall({ properties: {} })) });
    const text = JSON.stringify(smallBatch());
    const bytes = Buffer.byteLength(text);
    expect(bodyShape(text).messages).toBe(count);
    const fit = Math.floor(MAX_BYTES_IN_FLIGHT / inFlightCharge(bytes, bodyShape(text)));
    expect(fit).toBeLessThan(Math.floor(MAX_BYTES_IN_FLIGHT / bytes));
    ctx.segment.answer('hang');
    const held = Array.from({ length: fit }, () => post(ctx.relay.server, 'b', smallBatch()).then(res => res.status));
    await ctx.segment.received(fit);

    expect((await post(ctx.relay.server, 'b', smallBatch())).status).toBe(503);
    expect(ctx.segment.requests).toHaveLength(fit);

    ctx.segment.release(200);
    expect(await Promise.all(held)).toEqual(Array(fit).fill(200));
  });
});

describe('requests in flight with groups while Segment hangs', () => {
  const ctx = useRelay({ config: { timeoutMs: 60_000, groups: { limit: 100 } } });

  it('counts the group calls an identify brings: fewer identifies are held at once, other calls as before', async () => {
    // One identify may bring 100 group calls of the relay's own (each carrying up to 2 KB of its context).
    const identify = () => trackCall({ type: 'identify', event: undefined, properties: undefined, traits: {} });
    const text = JSON.stringify(identify());
    const charge = inFlightCharge(Buffer.byteLength(text), bodyShape(text)) + 100 * GROUP_CALL_CHARGE;
    const fit = Math.floor(MAX_BYTES_IN_FLIGHT / charge);
    expect(fit).toBeLessThan(MAX_REQUESTS_IN_FLIGHT / 4);
    ctx.segment.answer('hang');
    const held = Array.from({ length: fit }, () => post(ctx.relay.server, 'i', identify()).then(res => res.status));
    await ctx.segment.received(fit);

    expect((await post(ctx.relay.server, 'i', identify())).status).toBe(503);
    expect((await post(ctx.relay.server, 'b', { batch: [trackCall(), identify()] })).status).toBe(503);
    // Its type spelled with a JSON escape is an identify too.
    const escaped = JSON.stringify({ batch: [identify()] }).replace('"identify"', '"\\u0069dentify"');
    expect(escaped).not.toContain('identify');
    expect((await post(ctx.relay.server, 'b', escaped)).status).toBe(503);
    // A track call brings no group call: still taken.
    const track = post(ctx.relay.server, 't', trackCall()).then(res => res.status);
    await ctx.segment.received(fit + 1);

    ctx.segment.release(200);
    expect(await Promise.all([...held, track])).toEqual(Array(fit + 1).fill(200));
  });
});
