import { cutText } from '../cutText';
import { SafeEvent, toSafeEvent } from './toSafeEvent';

/** Actions warned about at most; past that, hostile events are still made safe, silently. */
const MAX_WARNED_ACTIONS = 50;

/**
 * A reader of incoming events: each event becomes a {@link SafeEvent}, and
 * the first event of each action that needed repair gives one warning
 * naming the action and what was wrong (README: "Hostile events").
 *
 * @remarks
 * Never throws. Warnings are bounded: one per action, for at most
 * {@link MAX_WARNED_ACTIONS} actions, so a plugin firing hostile events in a
 * loop cannot flood the console or grow memory.
 */
export function createSafeEventReader(logger: Pick<Console, 'warn'>): (event: unknown) => SafeEvent {
  const warned = new Set<string>();
  return event => {
    const problems: string[] = [];
    const safe = toSafeEvent(event, problem => problems.push(problem));
    // Bounded: a hostile action can be megabytes long.
    const action = cutText(safe.action, 100);
    if (problems.length && !warned.has(action) && warned.size < MAX_WARNED_ACTIONS) {
      warned.add(action);
      try {
        logger.warn(
          `Segment analytics: a '${action}' event was repaired before sending (${problems.join(', ')}); ` +
            'values JSON cannot carry are sent as markers. Later ones of this action are not reported',
        );
      } catch {
        // A broken console does not stop the event.
      }
    }
    return safe;
  };
}
