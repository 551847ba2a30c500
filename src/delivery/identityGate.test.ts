import { deferred } from '../__testUtils__/deferred';
import { safeLogger } from '../warnSafely';
import { createIdentityGate, SessionPlace } from './identityGate';
import { browserScheduler } from '../time/scheduler';

/** A gate whose sessions are recorded, on jest's fake timers. */
function gate(userId: Promise<string> | undefined, timeoutMs = 1000) {
  const sessions: [string | undefined, SessionPlace][] = [];
  const warn = jest.fn();
  const released = jest.fn();
  const g = createIdentityGate({
    userId,
    timeoutMs,
    scheduler: browserScheduler,
    logger: safeLogger({ warn, info: jest.fn() }),
    onSession: (id, place) => sessions.push([id, place]),
    onRelease: released,
  });
  return { g, sessions, warn, released };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('createIdentityGate', () => {
  it('without a user id: anonymous at once, no time-out', () => {
    const { g, sessions, warn } = gate(undefined);
    expect(g.state).toEqual({ kind: 'anonymous' });
    expect(sessions).toEqual([[undefined, 'back']]);
    g.startClock();
    jest.advanceTimersByTime(5000);
    expect(warn).not.toHaveBeenCalled();
  });

  it('an id in time: the user session starts before everything waiting', async () => {
    const id = deferred<string>();
    const { g, sessions } = gate(id.promise);
    g.startClock();
    await jest.advanceTimersByTimeAsync(999);
    id.resolve('u');
    await jest.advanceTimersByTimeAsync(0);
    expect(g.state).toEqual({ kind: 'known', userId: 'u' });
    expect(sessions).toEqual([['u', 'front']]);
  });

  it('the clock starts with the first waiting call, not at construction', async () => {
    const { g, sessions } = gate(new Promise<string>(() => {}));
    await jest.advanceTimersByTimeAsync(10_000);
    expect(g.state.kind).toBe('waiting');
    g.startClock();
    g.startClock(); // once
    await jest.advanceTimersByTimeAsync(1000);
    expect(sessions).toEqual([[undefined, 'front']]);
  });

  it("a call that already waited for the user's pseudonym: that wait counts (one time-out in all, not two)", async () => {
    const { g, sessions, warn } = gate(new Promise<string>(() => {}));
    g.startClock(600); // waited 600 ms for the user's pseudonym, in privacy
    await jest.advanceTimersByTimeAsync(399);
    expect(sessions).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(sessions).toEqual([[undefined, 'front']]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('a wait as long as the time-out, or longer: at once; one that cannot be read: a full wait', async () => {
    const late = gate(new Promise<string>(() => {}));
    late.g.startClock(5000);
    await jest.advanceTimersByTimeAsync(0);
    expect(late.sessions).toEqual([[undefined, 'front']]);
    const unreadable = gate(new Promise<string>(() => {}));
    unreadable.g.startClock(Number.NaN);
    await jest.advanceTimersByTimeAsync(999);
    expect(unreadable.sessions).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(unreadable.sessions).toEqual([[undefined, 'front']]);
  });

  it('late: anonymous after the time-out (one warning), then the user session after what was released', async () => {
    const id = deferred<string>();
    const { g, sessions, warn } = gate(id.promise);
    g.startClock();
    await jest.advanceTimersByTimeAsync(1000);
    expect(g.state).toEqual({ kind: 'anonymous' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('not known after 1000 ms');
    id.resolve('u');
    await jest.advanceTimersByTimeAsync(0);
    expect(sessions).toEqual([
      [undefined, 'front'],
      ['u', 'back'],
    ]);
  });

  it('late: a call captured after the time-out waits again, at most the time-out; the id coming meanwhile starts the user session before it', async () => {
    const id = deferred<string>();
    const { g, sessions, warn, released } = gate(id.promise);
    g.startClock();
    await jest.advanceTimersByTimeAsync(1000);
    expect(g.state).toEqual({ kind: 'anonymous' });
    await jest.advanceTimersByTimeAsync(3000);
    g.startClock(); // a call captured now (the user signing in)
    expect(g.state).toEqual({ kind: 'late' });
    await jest.advanceTimersByTimeAsync(999);
    id.resolve('u');
    await jest.advanceTimersByTimeAsync(0);
    expect(g.state).toEqual({ kind: 'known', userId: 'u' });
    expect(sessions).toEqual([
      [undefined, 'front'],
      ['u', 'front'],
    ]);
    expect(released).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('late: a call waiting again goes anonymous after the time-out, without a session of its own or another warning; the next waits again', async () => {
    const id = deferred<string>();
    const { g, sessions, warn, released } = gate(id.promise);
    g.startClock();
    await jest.advanceTimersByTimeAsync(1000);
    g.startClock();
    g.startClock(); // another call, waiting with it: one clock
    await jest.advanceTimersByTimeAsync(999);
    expect(g.state).toEqual({ kind: 'late' });
    await jest.advanceTimersByTimeAsync(1);
    expect(g.state).toEqual({ kind: 'anonymous' });
    expect(released).toHaveBeenCalledTimes(1);
    g.startClock();
    expect(g.state).toEqual({ kind: 'late' });
    id.reject(new Error('offline'));
    await jest.advanceTimersByTimeAsync(0);
    expect(g.state).toEqual({ kind: 'anonymous' });
    expect(released).toHaveBeenCalledTimes(2);
    g.startClock(); // the id will not come: no more waits
    expect(g.state).toEqual({ kind: 'anonymous' });
    expect(sessions).toEqual([[undefined, 'front']]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('late: the page being left lets the calls waiting again go at once (anonymous); the first wait stays', async () => {
    const id = deferred<string>();
    const { g, sessions, released } = gate(id.promise);
    g.startClock();
    g.leaving(); // hidden before the time-out: the calls wait on (the page may come back; they are stored)
    expect(g.state).toEqual({ kind: 'waiting' });
    await jest.advanceTimersByTimeAsync(1000);
    g.startClock();
    g.leaving();
    expect(g.state).toEqual({ kind: 'anonymous' });
    await jest.advanceTimersByTimeAsync(5000);
    expect(released).not.toHaveBeenCalled(); // delivery hands them over itself as it leaves
    expect(sessions).toEqual([[undefined, 'front']]);
    g.startClock(); // back, and the id may still come: the next call waits again
    expect(g.state).toEqual({ kind: 'late' });
  });

  it('failed, or no user id: calls never wait', async () => {
    const id = deferred<string>();
    const failed = gate(id.promise);
    id.reject(new Error('offline'));
    await jest.advanceTimersByTimeAsync(0);
    failed.g.startClock();
    expect(failed.g.state).toEqual({ kind: 'anonymous' });
    const none = gate(undefined);
    none.g.startClock();
    expect(none.g.state).toEqual({ kind: 'anonymous' });
  });

  it('late, then failing: one warning (the time-out\'s) and one anonymous session', async () => {
    const id = deferred<string>();
    const { g, sessions, warn } = gate(id.promise);
    g.startClock();
    await jest.advanceTimersByTimeAsync(1000);
    id.reject(new Error('offline'));
    await jest.advanceTimersByTimeAsync(5000);
    expect(g.state).toEqual({ kind: 'anonymous' });
    expect(sessions).toEqual([[undefined, 'front']]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['an Error', new Error('offline')],
    ['a Symbol', Symbol('odd')],
    ['an object without a prototype', Object.create(null)],
  ])('a failure (%s): anonymous at once, one warning, no time-out warning later', async (_label, reason) => {
    const id = deferred<string>();
    const { g, sessions, warn } = gate(id.promise);
    g.startClock();
    id.reject(reason);
    await jest.advanceTimersByTimeAsync(5000);
    expect(g.state).toEqual({ kind: 'anonymous' });
    expect(sessions).toEqual([[undefined, 'front']]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('could not identify the user');
  });
});
