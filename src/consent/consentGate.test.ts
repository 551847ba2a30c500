import { ConsentGate, MAX_WAITING_FOR_CONSENT } from './consentGate';
import { StoredRead } from './storedDecision';

jest.useFakeTimers();

const scheduler = {
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function gate(regime: 'opt-out' | 'opt-in' = 'opt-out', waitMs = 1000) {
  const log: string[] = [];
  const warnings: string[] = [];
  const given = new Set<string>();
  const g = new ConsentGate<string>({
    config: { default: regime, waitMs },
    scheduler,
    forward: item => log.push(`sent ${item}`),
    onGranted: () => log.push('on'),
    onDenied: () => log.push('off'),
    warn: (topic, message) => {
      if (!given.has(topic)) warnings.push(message);
      given.add(topic);
    },
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
    expect(log).toEqual(['off', 'on', 'sent after']);
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
    expect(log).toEqual(['off', 'on', 'sent c', 'off']);
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
    expect(log).toEqual(['on', 'sent a', 'off']);
  });

  it('opt-in and a StorageApi that never answers: the waiting events are dropped after the bound', () => {
    const { g, log, warnings } = gate('opt-in', 500);
    g.capture('a');
    jest.advanceTimersByTime(500);
    g.capture('b');
    expect(log).toEqual(['off']);
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

  it('keeps at most a bounded number of waiting events (the newest)', () => {
    const { g, log } = gate();
    for (let i = 0; i < MAX_WAITING_FOR_CONSENT + 2; i++) g.capture(String(i));
    g.update(read('granted'));
    expect(log.length).toBe(MAX_WAITING_FOR_CONSENT + 1);
    expect(log[1]).toBe('sent 2');
  });
});
