import { MAX_DEPTH, MAX_MESSAGE_BYTES } from './limits';
import { readRequest } from './readRequest';

const track = { type: 'track', event: 'click', messageId: 'ajs-next-1-a', timestamp: '2026-12-02T10:00:00.000Z' };

describe('readRequest', () => {
  it('reads one message on a single-call path, with its sentAt', () => {
    const result = readRequest('t', JSON.stringify({ ...track, sentAt: '2026-12-02T10:00:01.000Z', writeKey: 'placeholder' }));
    expect(result).toEqual({
      ok: true,
      value: { messages: [expect.objectContaining({ type: 'track', messageId: 'ajs-next-1-a' })], sentAt: '2026-12-02T10:00:01.000Z', batch: false },
    });
  });

  it('takes the type from the path when the message has none', () => {
    const { type: _type, ...untyped } = track;
    expect(readRequest('t', JSON.stringify(untyped))).toMatchObject({ ok: true, value: { messages: [{ type: 'track' }] } });
  });

  it('reads a batch as analytics-next sends it, ignoring its writeKey and any other top-level key', () => {
    const page = { type: 'page', messageId: 'ajs-next-2-b', properties: { path: '/' } };
    const body = { batch: [track, page], sentAt: '2026-12-02T10:00:02.000Z', writeKey: 'placeholder', context: { ip: '1.2.3.4' } };
    const result = readRequest('b', JSON.stringify(body));
    expect(result).toEqual({ ok: true, value: { messages: [track, page], sentAt: '2026-12-02T10:00:02.000Z', batch: true } });
  });

  it.each([
    ['t', 'not json', 400, 'the body must be JSON'],
    ['t', '[]', 400, 'a message must be a JSON object'],
    ['t', JSON.stringify({ ...track, type: 'page' }), 400, 'type must be "track" on this path'],
    ['t', JSON.stringify({ ...track, messageId: undefined }), 400, 'messageId is required'],
    ['t', JSON.stringify({ ...track, messageId: 'x'.repeat(101) }), 400, 'messageId is required: a non-empty string of at most 100'],
    ['t', JSON.stringify({ ...track, event: '' }), 400, 'event is required on a track call'],
    ['t', JSON.stringify({ ...track, timestamp: 'yesterday' }), 400, 'timestamp must be an ISO-8601'],
    ['t', JSON.stringify({ ...track, context: 'x' }), 400, 'context must be a JSON object'],
    ['b', JSON.stringify({ batch: 'x' }), 400, 'a batch body must be a JSON object with a "batch" array'],
    ['b', JSON.stringify({ batch: [] }), 400, 'batch must hold at least one message'],
    ['b', JSON.stringify({ batch: [track], sentAt: 3 }), 400, 'sentAt must be an ISO-8601'],
    ['b', JSON.stringify({ batch: [track, { ...track, type: 'video' }] }), 400, 'batch[1]: type must be one of track, page, identify, group, alias, screen'],
    ['x', '{}', 400, 'unknown tracking path'],
  ])('refuses %s %s with %i naming what is wrong', (path, text, status, message) => {
    const result = readRequest(path, text);
    expect(result).toMatchObject({ ok: false, status });
    expect(!result.ok && result.message).toContain(message);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('takes %s for an unknown path', path => {
    expect(readRequest(path, JSON.stringify(track))).toEqual({ ok: false, status: 400, message: 'unknown tracking path' });
  });

  it('refuses nesting deeper than the limit, without a stack overflow', () => {
    for (const depth of [MAX_DEPTH, 10_000]) {
      const deep = `{"type":"track","event":"e","messageId":"m","properties":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      expect(readRequest('t', deep)).toMatchObject({ ok: false, status: 400, message: `a message may nest at most ${MAX_DEPTH} levels deep` });
    }
    const fits = `{"type":"track","event":"e","messageId":"m","properties":{"a":${'['.repeat(MAX_DEPTH - 3)}${']'.repeat(MAX_DEPTH - 3)}}}`;
    expect(readRequest('t', fits)).toMatchObject({ ok: true });
  });

  it('refuses a batch message over 32 KB with 413, naming its index', () => {
    const big = { ...track, properties: { text: 'x'.repeat(MAX_MESSAGE_BYTES) } };
    expect(readRequest('b', JSON.stringify({ batch: [track, big] }))).toMatchObject({ ok: false, status: 413, message: expect.stringMatching(/^batch\[1\]: a message is \d+ bytes; Segment accepts at most 32768/) });
  });

  it('never quotes a value it refuses', () => {
    const secret = 'alice@example.com';
    const results = [
      readRequest('t', JSON.stringify({ ...track, type: secret })),
      readRequest('t', JSON.stringify({ ...track, timestamp: secret })),
      readRequest('b', JSON.stringify({ batch: [{ ...track, event: { secret } }] })),
    ];
    for (const result of results) expect(JSON.stringify(result)).not.toContain(secret);
  });
});
