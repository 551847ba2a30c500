import { ConsentGate, MAX_WAITING_FOR_CONSENT } from './consentGate';
import { StoredRead } from './storedDecision';
import { wallClockScheduler } from '../__testUtils__/fakeTime';

jest.useFakeTimers();

const scheduler = wallClockScheduler;

function gate(regime: 'opt-out' | 'opt-in' = 'opt-out', waitMs = 1000, userKnown?: PromiseLike<unknown>) {
  const log: string[] = [];
  const warnings: string[] = [];
  const given = new Set<string>();
  const g = new ConsentGate<string>({
    config: { default: regime, waitMs },
    scheduler,
    forward: item => log.push(`sent ${item}`),
    onDropped: item => log.push(`dropped ${item}`),
    onGranted: () => log.push('on'),
    onDenied: () => log.push('off'),
    warn: (topic, message) => {
      if (!given.has(topic)) warnings.push(message);
      given.add(topic);
    },
    userKnown,
  });
  return { g, log, warnings };
}

const read = (decision?: 'granted' | 'denied'): StoredRead => ({ kind: 'read', stored: decision && { decision } });

describe('ConsentGate', () => {
  it('events wait while the choice is read, and go out in order once it is granted', () => {
    const { g, log } = gate();
    g.capture('a');
    g.capture('b');
    expect(log).toEqual([]);
    g.update(read('granted'));
    g.capture('c');
    expect(log).toEqual(['on', 'sent a', 'sent b', 'sent c']);
  });

  it('opt-out: with no stored decision, analytics is on', () => {
    const { g, log } = gate('opt-out');
    g.capture('a');
    g.update(read());
    expect(log).toEqual(['on', 'sent a']);
  });

  it('opt-in: with no stored decision nothing is sent, and a later "yes" never sends what came before', () => {
    const { g, log } = gate('opt-in');
    g.capture('early');
    g.update(read());
    g.capture('while-no');
    g.update(read('granted'));
    g.capture('after');
    // What is dropped is told, in capture order (the page history still follows the user's pages).
    expect(log).toEqual(['off', 'dropped early', 'dropped while-no', 'on', 'sent after']);
  });

  it('a stored "no" drops the waiting events; switching off and on applies at once', () => {
    const { g, log } = gate();
    g.capture('a');
    g.update(read('denied'));
    g.capture('b');
    g.update(read('granted'));
    g.capture('c');
    g.update(read('denied'));
    g.capture('d');
    expect(log).toEqual(['off', 'dropped a', 'dropped b', 'on', 'sent c', 'off', 'dropped d']);
  });

  it('a StorageApi that never answers: the default applies after the bound, with one warning; its late answer still counts', () => {
    const { g, log, warnings } = gate('opt-out', 1000);
    g.capture('a');
    jest.advanceTimersByTime(999);
    expect(log).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(log).toEqual(['on', 'sent a']);
    expect(warnings).toEqual([expect.stringContaining("not known after 1000 ms; the 'opt-out' default applies")]);
    g.update(read('denied'));
    g.capture('b');
    expect(log).toEqual(['on', 'sent a', 'off', 'dropped b']);
  });

  it('opt-in and a StorageApi that never answers: the waiting events are dropped after the bound', () => {
    const { g, log, warnings } = gate('opt-in', 500);
    g.capture('a');
    jest.advanceTimersByTime(500);
    g.capture('b');
    expect(log).toEqual(['off', 'dropped a', 'dropped b']);
    expect(warnings).toHaveLength(1);
  });

  it('a StorageApi that throws: the default applies at once, with one warning', () => {
    const { g, log, warnings } = gate('opt-out');
    g.capture('a');
    g.update({ kind: 'failed', reason: 'Error: boom' });
    g.update({ kind: 'failed', reason: 'Error: boom' });
    expect(log).toEqual(['on', 'sent a']);
    expect(warnings).toEqual([expect.stringContaining("could not read the user's analytics choice (Error: boom)")]);
  });


  it('a read that fails after the user said "no" (the settings backend going away) keeps analytics off', () => {
    const { g, log } = gate('opt-out');
    g.update(read('denied'));
    g.update({ kind: 'failed', reason: 'Error: connection lost' });
    g.capture('after');
    jest.advanceTimersByTime(5000);
    expect(log).toEqual(['off', 'dropped after']);
  });
  it('keeps at most 5,000 waiting events (the newest), and says how many it dropped', () => {
    const { g, log, warnings } = gate();
    expect(MAX_WAITING_FOR_CONSENT).toBe(5000); // as many as wait for the library or the identity (docs/guarantees.md)
    for (let i = 0; i < MAX_WAITING_FOR_CONSENT + 2; i++) g.capture(String(i));
    g.update(read('granted'));
    expect(log.length).toBe(MAX_WAITING_FOR_CONSENT + 3);
    expect(log.slice(0, 4)).toEqual(['dropped 0', 'dropped 1', 'on', 'sent 2']);
    expect(warnings).toEqual([
      "Segment analytics: 2 events were dropped (the oldest) while more than 5000 waited for the user's analytics choice",
    ]);
  });

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

  describe('a "yes" following a "no" made after the session began (a "no" and a "yes" it did not see)', () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 12, minute)).toISOString();
    const yes = (decidedAt: string, offAt?: string): StoredRead => ({ kind: 'read', stored: { decision: 'granted', decidedAt, ...(offAt && { offAt }) } });
    function withRestarts() {
      const log: string[] = [];
      const g = new ConsentGate<string>({
        config: { default: 'opt-out', waitMs: 1000 },
        scheduler,
        forward: item => log.push(`sent ${item}`),
        onGranted: () => log.push('on'),
        onDenied: () => log.push('off'),
        onSwitchedOffUnseen: () => log.push('restart'),
        warn: () => {},
      });
      return { g, log };
    }

    it.each<[string, StoredRead[], string[]]>([
      ['begun under a "yes", then one after a later "no": restarted, once', [yes(at(1)), yes(at(3), at(2)), yes(at(4), at(2))], ['on', 'restart']],
      ['then a "no" and a "yes" after that: restarted again', [yes(at(1)), yes(at(3), at(2)), yes(at(5), at(4))], ['on', 'restart', 'restart']],
      ['the same period again (other categories): nothing', [yes(at(3), at(2)), yes(at(4), at(2))], ['on']],
      ['a "yes" after a "no" made before the session\'s decision (another tab\'s stale copy): nothing', [yes(at(3), at(2)), yes(at(4), at(1))], ['on']],
      ['a read with no decision, or no period, or a period that is no time: nothing', [yes(at(1)), read(), yes(at(2)), yes(at(3), 'soon')], ['on']],
      ['a "no" and a "yes" seen: off and on, nothing more', [yes(at(1)), read('denied'), yes(at(3), at(2)), yes(at(4), at(2))], ['on', 'off', 'on']],
    ])('%s', (_label, reads, expected) => {
      const { g, log } = withRestarts();
      reads.forEach(r => g.update(r));
      expect(log).toEqual(expected);
    });

    it('begun with no decision read (none stored, or the read late): a "no" is compared with the time the session began', () => {
      jest.setSystemTime(new Date(at(10)));
      const stale = withRestarts();
      stale.g.update(read());
      stale.g.update(yes(at(12), at(9))); // a "no" before the session began: a tab opened since
      expect(stale.log).toEqual(['on']);
      const missed = withRestarts();
      missed.g.capture('a');
      jest.advanceTimersByTime(1000); // the default applies
      missed.g.update(yes(at(12), at(11)));
      expect(missed.log).toEqual(['on', 'sent a', 'restart']);
    });

    it('without the option, nothing else changes', () => {
      const { g, log } = gate();
      g.update(yes(at(1)));
      g.update(yes(at(3), at(2)));
      expect(log).toEqual(['on']);
    });
  });
});
