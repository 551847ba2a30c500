import { keepAnonymousCallsAnonymous } from './anonymousCalls';

/** A library with a Segment.io destination that, like the real one, fills a missing userId from the user it knows. */
function library(userId: string | null) {
  let id = userId;
  const user = { id: (next?: string | null) => (next === undefined ? id : (id = next)) };
  const built: Array<string | null> = [];
  const fill = (ctx: { event: { userId?: string | null } }) => {
    built.push(ctx.event.userId || (user.id() as string | null));
    return ctx;
  };
  const destination = { name: 'Segment.io', type: 'destination', track: fill, page: fill, identify: fill };
  const other = { name: 'Other', type: 'destination', track: fill };
  return { analytics: { queue: { plugins: [other, destination] }, user: () => user }, destination, other, built, user };
}

describe('keepAnonymousCallsAnonymous', () => {
  it('a call without a user id is built without one; a call with one keeps it; the user stays known', () => {
    const lib = library('user:default/bob');
    keepAnonymousCallsAnonymous(lib.analytics);
    lib.destination.track({ event: {} });
    lib.destination.page({ event: { userId: null } });
    lib.destination.track({ event: { userId: 'user:default/bob' } });
    lib.destination.identify({ event: { userId: 'user:default/bob' } });
    expect(lib.built).toEqual([null, null, 'user:default/bob', 'user:default/bob']);
    expect(lib.user.id()).toBe('user:default/bob');
  });

  it('puts the user back when the destination throws, and leaves other destinations alone', () => {
    const lib = library('user:default/bob');
    const throwing = () => {
      throw new Error('boom');
    };
    lib.destination.track = throwing;
    keepAnonymousCallsAnonymous(lib.analytics);
    expect(() => lib.destination.track({ event: {} })).toThrow('boom');
    expect(lib.user.id()).toBe('user:default/bob');
    lib.other.track({ event: {} });
    expect(lib.built).toEqual(['user:default/bob']);
  });

  it('without a known user, or without the destination, changes nothing', () => {
    const anonymous = library(null);
    keepAnonymousCallsAnonymous(anonymous.analytics);
    anonymous.destination.track({ event: {} });
    expect(anonymous.built).toEqual([null]);
    expect(() => keepAnonymousCallsAnonymous({ queue: { plugins: [] }, user: () => anonymous.user })).not.toThrow();
  });
});
