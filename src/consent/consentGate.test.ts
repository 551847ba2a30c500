import { ConsentGate, MAX_WAITING_FOR_CONSENT } from './consentGate';
import { StoredRead } from './storedDecision';
import { wallClockScheduler } from '../__testUtils__/fakeTime';
import { gate, read } from '../__testUtils__/consentGateKit';

jest.useFakeTimers();

const scheduler = wallClockScheduler;

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
