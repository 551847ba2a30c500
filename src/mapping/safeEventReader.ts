import { cutText } from '../text/cutText';
import { SafeEvent, toSafeEvent } from './toSafeEvent';
import { createWarnOnce, Logger, MAX_WARNED_ACTIONS } from '../warnSafely';

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
export function createSafeEventReader(logger: Logger): (event: unknown) => SafeEvent {
  const warnOnce = createWarnOnce(logger, MAX_WARNED_ACTIONS);
  return event => {
    const problems: string[] = [];
    const safe = toSafeEvent(event, problem => problems.push(problem));
    if (problems.length) {
      // Bounded: a hostile action can be megabytes long.
      const action = cutText(safe.action, 100);
      warnOnce(
        action,
        `Segment analytics: a '${action}' event was repaired before sending (${problems.join(', ')}); ` +
          'values JSON cannot carry are sent as markers, keys named __proto__ left out. Later ones of this action are not reported',
      );
    }
    return safe;
  };
}
