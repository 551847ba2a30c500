import { ConsentGate } from '../consent/consentGate';
import { StoredRead } from '../consent/storedDecision';
import { wallClockScheduler } from './fakeTime';

// The consent gate's tests: a gate that logs what it does, and the reads of the user's stored choice it is given.

/**
 * A gate under `regime` that logs what it sends, drops and switches (`sent a`, `dropped b`, `on`, `off`), and
 * keeps each warning topic's first message; `userKnown`: the user's sign-in it waits for.
 */
export function gate(regime: 'opt-out' | 'opt-in' = 'opt-out', waitMs = 1000, userKnown?: PromiseLike<unknown>) {
  const log: string[] = [];
  const warnings: string[] = [];
  const given = new Set<string>();
  const g = new ConsentGate<string>({
    config: { default: regime, waitMs },
    scheduler: wallClockScheduler,
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

/** A read of the stored choice: `decision`, or none stored. */
export const read = (decision?: 'granted' | 'denied'): StoredRead => ({ kind: 'read', stored: decision && { decision } });
