import { gate, read } from '../__testUtils__/consentGateKit';

jest.useFakeTimers();

describe('ConsentGate', () => {
  describe('while the user signs in (their choice, kept per user, cannot be read before)', () => {
    /** A user who signs in when the test says. */
    function signingIn() {
      let signIn!: () => void;
      let fail!: () => void;
      const known = new Promise<void>((resolve, reject) => {
        signIn = resolve;
        fail = () => reject(new Error('no identity'));
      });
      return { known, signIn, fail };
    }

    it('the default never applies before the user is known: a stored "no" read after a slow sign-in sends nothing', async () => {
      const user = signingIn();
      const { g, log, warnings } = gate('opt-out', 1000, user.known);
      g.capture('sign-in page');
      await jest.advanceTimersByTimeAsync(10_000);
      expect(log).toEqual([]);
      user.signIn();
      await jest.advanceTimersByTimeAsync(0);
      g.capture('signed in');
      g.update(read('denied'));
      g.capture('after');
      expect(log).toEqual(['off', 'dropped sign-in page', 'dropped signed in', 'dropped after']);
      expect(warnings).toEqual([]);
    });

    it('once the user is known, the stored choice gets the whole bound; then the default applies', async () => {
      const user = signingIn();
      const { g, log, warnings } = gate('opt-out', 1000, user.known);
      g.capture('a');
      await jest.advanceTimersByTimeAsync(5000);
      user.signIn();
      await jest.advanceTimersByTimeAsync(999);
      expect(log).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(log).toEqual(['on', 'sent a']);
      expect(warnings).toEqual([expect.stringContaining('not known after 1000 ms')]);
    });

    it('a user known shortly before the bound runs out: the stored choice still gets the whole bound from sign-in', async () => {
      const user = signingIn();
      const { g, log, warnings } = gate('opt-out', 1000, user.known);
      g.capture('sign-in page');
      await jest.advanceTimersByTimeAsync(900);
      user.signIn();
      await jest.advanceTimersByTimeAsync(600); // 1500 ms after the first event, 600 ms after sign-in
      expect(log).toEqual([]);
      g.update(read('denied'));
      expect(log).toEqual(['off', 'dropped sign-in page']);
      expect(warnings).toEqual([]);

      // Nothing read: the default applies the bound after sign-in, not after the first event.
      const late = signingIn();
      const other = gate('opt-out', 1000, late.known);
      other.g.capture('a');
      await jest.advanceTimersByTimeAsync(900);
      late.signIn();
      await jest.advanceTimersByTimeAsync(999);
      expect(other.log).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(other.log).toEqual(['on', 'sent a']);
      expect(other.warnings).toEqual([expect.stringContaining('not known after 1000 ms')]);
    });

    it('a read that fails before the user is known: the events wait for them; a "no" read then sends nothing', async () => {
      const user = signingIn();
      const { g, log, warnings } = gate('opt-out', 1000, user.known);
      g.capture('sign-in page');
      await jest.advanceTimersByTimeAsync(500);
      g.update({ kind: 'failed', reason: 'the settings backend is down' });
      g.capture('still signing in');
      await jest.advanceTimersByTimeAsync(10_000);
      expect(log).toEqual([]);
      user.signIn();
      await jest.advanceTimersByTimeAsync(50);
      g.update(read('denied')); // read again once the user is known
      await jest.advanceTimersByTimeAsync(5000);
      expect(log).toEqual(['off', 'dropped sign-in page', 'dropped still signing in']);
      expect(warnings).toEqual([expect.stringContaining("the 'opt-out' default applies if it is still not read 1000 ms after sign-in")]);
    });

    it('a read that fails before the user is known, and nothing read after: the default applies the bound after sign-in, one warning', async () => {
      const user = signingIn();
      const { g, log, warnings } = gate('opt-out', 1000, user.known);
      g.capture('sign-in page');
      g.update({ kind: 'failed', reason: 'the settings backend is down' });
      await jest.advanceTimersByTimeAsync(5000);
      expect(log).toEqual([]);
      user.signIn();
      await jest.advanceTimersByTimeAsync(999);
      expect(log).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(log).toEqual(['on', 'sent sign-in page']);
      expect(warnings).toHaveLength(1);
    });

    it('a user known in time changes nothing; an identity that fails counts as known', async () => {
      const early = signingIn();
      const first = gate('opt-out', 1000, early.known);
      early.signIn();
      first.g.capture('a');
      await jest.advanceTimersByTimeAsync(1000);
      expect(first.log).toEqual(['on', 'sent a']);

      const failing = signingIn();
      const second = gate('opt-out', 1000, failing.known);
      second.g.capture('b');
      await jest.advanceTimersByTimeAsync(3000);
      failing.fail();
      await jest.advanceTimersByTimeAsync(1000);
      expect(second.log).toEqual(['on', 'sent b']);
    });
  });
});
