import { EventEmitter } from 'node:events';
import type { Request } from 'express';
import { readBody } from './readBody';

/** A request stream as Express gives it, driven by the test. */
function incoming(headers: Record<string, string> = {}, destroyed = false) {
  const req = Object.assign(new EventEmitter(), { headers, destroyed, pause: jest.fn() });
  return req as unknown as Request & EventEmitter;
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('readBody', () => {
  it('reads the body, and refuses one declared or found larger than the limit without reading further', async () => {
    const ok = incoming();
    const read = readBody(ok, 10, 'the body');
    ok.emit('data', Buffer.from('{"a":1}'));
    ok.emit('end');
    await expect(read).resolves.toEqual({ ok: true, value: '{"a":1}' });

    await expect(readBody(incoming({ 'content-length': '11' }), 10, 'the body')).resolves.toMatchObject({ ok: false, status: 413 });
    const large = incoming();
    const refused = readBody(large, 10, 'the body');
    large.emit('data', Buffer.alloc(11));
    await expect(refused).resolves.toMatchObject({ ok: false, status: 413 });
    expect(large.pause).toHaveBeenCalled();
  });

  it('a body still incomplete at the deadline is refused (408); its timer is then gone', async () => {
    const slow = incoming();
    const read = readBody(slow, 10, 'the body', 1000);
    slow.emit('data', Buffer.from('{'));
    await jest.advanceTimersByTimeAsync(1000);
    await expect(read).resolves.toMatchObject({ ok: false, status: 408 });
    const done = incoming();
    const quick = readBody(done, 10, 'the body', 1000);
    done.emit('end');
    await quick;
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a request its client has already left (or leaves mid-body) is gone at once, not at the deadline', async () => {
    const settled = jest.fn();
    void readBody(incoming({}, true), 10, 'the body', 10_000).then(settled);
    await jest.advanceTimersByTimeAsync(0);
    expect(settled).toHaveBeenCalledWith({ ok: false, gone: true });
    const leaving = incoming();
    const read = readBody(leaving, 10, 'the body', 10_000);
    leaving.emit('close');
    await expect(read).resolves.toEqual({ ok: false, gone: true });
  });
});
