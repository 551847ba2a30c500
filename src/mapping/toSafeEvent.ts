import { JSON_SAFE_MARKERS, JsonSafe, JsonSafeProblem, toJsonSafe } from './toJsonSafe';

/** The action (and event name) of an event whose action is not a non-empty string. */
const FALLBACK_ACTION = 'unknown';

/**
 * A Backstage event read once, defensively, into plain JSON data: what the
 * rest of the mapping works on.
 */
export type SafeEvent = {
  /** A non-blank string: the event's action, or {@link FALLBACK_ACTION}. */
  action: string;
  /** Always a string: the subject, a number or boolean as text, `''` when absent, else a marker. */
  subject: string;
  /** Whether the subject was given as text (a string, number or boolean), not made up here. */
  subjectIsText: boolean;
  value: JsonSafe;
  attributes: JsonSafe;
  context: { [key: string]: JsonSafe };
};

/** What was wrong with an event: a marker of {@link toJsonSafe}, or a field of the wrong kind. */
export type EventProblem = JsonSafeProblem | 'event' | 'action' | 'subject' | 'context';

const safeEvents = new WeakSet<object>();
const UNREADABLE = Symbol('unreadable');

/** Text of a name-like field: strings as they are, numbers, booleans and BigInts as text. */
function textOf(value: unknown): string | undefined {
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' || type === 'bigint' ? String(value) : undefined;
}

/**
 * Reads a Backstage event into a {@link SafeEvent}; never throws.
 *
 * @remarks
 * Each field is read exactly once, so a getter or Proxy is never asked
 * twice. The action is a non-blank string or {@link FALLBACK_ACTION}; the
 * subject always a string (`[unsupported]` or `[unreadable]` when it is not
 * text); attributes, value and context are copied by {@link toJsonSafe}; a
 * context that is not an object becomes `{}`. `report` hears of each
 * problem found. An event this returned is returned as is.
 */
export function toSafeEvent(event: unknown, report: (problem: EventProblem) => void = () => {}): SafeEvent {
  if (typeof event === 'object' && event !== null && safeEvents.has(event)) return event as SafeEvent;
  const problems: EventProblem[] = [];
  const note = (problem: EventProblem) => {
    if (!problems.includes(problem)) problems.push(problem);
  };
  const isObject = (typeof event === 'object' && event !== null) || typeof event === 'function';
  if (!isObject) note('event');
  const read = (key: string): unknown => {
    try {
      return isObject ? (event as Record<string, unknown>)[key] : undefined;
    } catch {
      note('unreadable');
      return UNREADABLE;
    }
  };
  // Each field copied as JSON would write it in the properties: a `toJSON` there is given the field's name.
  const copy = (value: unknown, key: string) => (value === UNREADABLE ? JSON_SAFE_MARKERS.unreadable : toJsonSafe(value, note, key));

  const rawAction = read('action');
  const actionText = textOf(rawAction);
  const action = actionText?.trim() ? actionText : FALLBACK_ACTION;
  if (action !== actionText && rawAction !== UNREADABLE) note('action');

  const rawSubject = read('subject');
  const subjectText = textOf(rawSubject);
  let subject = subjectText ?? '';
  if (rawSubject === UNREADABLE) subject = JSON_SAFE_MARKERS.unreadable;
  else if (subjectText === undefined && rawSubject !== undefined && rawSubject !== null) {
    note('subject');
    subject = JSON_SAFE_MARKERS.unsupported;
  }

  const value = copy(read('value'), 'value');
  const rawAttributes = read('attributes');
  const context = copy(read('context') ?? {}, 'context');
  const contextIsRecord = typeof context === 'object' && context !== null && !Array.isArray(context);
  if (!contextIsRecord) note('context');

  const safe: SafeEvent = {
    action,
    subject,
    subjectIsText: subjectText !== undefined,
    value,
    // Kept whatever it is (`0`, `false` and `null` too), as the public module sends it.
    attributes: rawAttributes === undefined ? undefined : copy(rawAttributes, 'attributes'),
    context: contextIsRecord ? context : {},
  };
  safeEvents.add(safe);
  try {
    problems.forEach(report);
  } catch {
    // A failing listener does not make the event unsafe.
  }
  return safe;
}
