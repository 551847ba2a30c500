import { JSON_SAFE_MARKERS, JsonSafe, JsonSafeProblem, MAX_DEPTH, MAX_VALUES, toJsonSafe } from './toJsonSafe';

/** The action (and event name) of an event whose action is not a non-empty string. */
export const FALLBACK_ACTION = 'unknown';

/**
 * A Backstage event read once, defensively, into plain JSON data: what the
 * rest of the mapping works on.
 */
export type SafeEvent = {
  /** A non-empty string: the event's action, or {@link FALLBACK_ACTION}. */
  action: string;
  /** Always a string: the subject, a number or boolean as text, `''` when absent. */
  subject: string;
  /** Whether the subject was given as text (a string, number or boolean), not made up here. */
  subjectIsText: boolean;
  value: JsonSafe;
  attributes: JsonSafe;
  context: { [key: string]: JsonSafe };
};

/** What was wrong with an event, beyond the markers of {@link toJsonSafe}. */
export type EventProblem = JsonSafeProblem | 'event' | 'action' | 'subject' | 'context';

/** One phrase per problem, for the warning that names the event's action. */
export const EVENT_PROBLEM_TEXT: Record<EventProblem, string> = {
  event: 'the event is not an object',
  action: `no action (a non-empty string), sent as '${FALLBACK_ACTION}'`,
  subject: 'a subject that is not a string',
  context: 'a context that is not an object',
  circular: `a circular reference (sent as '${JSON_SAFE_MARKERS.circular}')`,
  tooDeep: `nesting deeper than ${MAX_DEPTH} levels (sent as '${JSON_SAFE_MARKERS.tooDeep}')`,
  unsupported: `a function or symbol (sent as '${JSON_SAFE_MARKERS.unsupported}')`,
  unreadable: `a value that threw when read (sent as '${JSON_SAFE_MARKERS.unreadable}')`,
  truncated: `more than ${MAX_VALUES} values (the rest sent as '${JSON_SAFE_MARKERS.truncated}')`,
  bigint: 'a BigInt (sent as its decimal string)',
};

const safeEvents = new WeakSet<object>();

/** Stands for a field whose reading threw. */
const UNREADABLE = Symbol('unreadable');

/** Reads `key` of `source`, or reports and returns {@link UNREADABLE} when reading throws. */
function read(source: object, key: string, report: (problem: EventProblem) => void): unknown {
  try {
    return (source as Record<string, unknown>)[key];
  } catch {
    report('unreadable');
    return UNREADABLE;
  }
}

/** A safe copy of a field; a field that could not be read becomes the marker. */
function copyField(value: unknown, report: (problem: EventProblem) => void): JsonSafe {
  return value === UNREADABLE ? JSON_SAFE_MARKERS.unreadable : toJsonSafe(value, report);
}

/** Text of a name-like field: strings as they are, numbers and booleans as text. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** Whether `event` came out of {@link toSafeEvent} (then it needs no second pass). */
export function isSafeEvent(event: unknown): event is SafeEvent {
  return typeof event === 'object' && event !== null && safeEvents.has(event);
}

/**
 * Reads a Backstage event into a {@link SafeEvent}; never throws.
 *
 * @remarks
 * Each field is read exactly once, so a getter or Proxy is never asked
 * twice. The action is a non-empty string or {@link FALLBACK_ACTION}; the
 * subject always a string; attributes, value and context are copied by
 * {@link toJsonSafe}; a context that is not an object becomes `{}`.
 * `report` hears of each problem found (see {@link EVENT_PROBLEM_TEXT}).
 */
export function toSafeEvent(event: unknown, report: (problem: EventProblem) => void = () => {}): SafeEvent {
  if (isSafeEvent(event)) return event;
  const problems = new Set<EventProblem>();
  const note = (problem: EventProblem) => problems.add(problem);
  let fields: Record<'action' | 'subject' | 'value' | 'attributes' | 'context', unknown> = {
    action: undefined,
    subject: undefined,
    value: undefined,
    attributes: undefined,
    context: undefined,
  };
  if ((typeof event === 'object' && event !== null) || typeof event === 'function') {
    fields = {
      action: read(event, 'action', note),
      subject: read(event, 'subject', note),
      value: read(event, 'value', note),
      attributes: read(event, 'attributes', note),
      context: read(event, 'context', note),
    };
  } else {
    note('event');
  }

  const actionText = textOf(fields.action);
  const action = actionText && actionText.trim() ? actionText : FALLBACK_ACTION;
  if (action !== actionText) note('action');

  let subject = textOf(fields.subject);
  const subjectIsText = subject !== undefined;
  if (subject === undefined) {
    const missing = fields.subject === undefined || fields.subject === null;
    if (!missing && fields.subject !== UNREADABLE) note('subject');
    if (missing) subject = '';
    else subject = fields.subject === UNREADABLE ? JSON_SAFE_MARKERS.unreadable : JSON_SAFE_MARKERS.unsupported;
  }

  const context = copyField(fields.context ?? {}, note);
  const isRecord = typeof context === 'object' && context !== null && !Array.isArray(context);
  if (!isRecord) note('context');

  const safe: SafeEvent = {
    action,
    subject,
    subjectIsText,
    value: copyField(fields.value, note),
    attributes: fields.attributes ? copyField(fields.attributes, note) : undefined,
    context: isRecord ? context : {},
  };
  safeEvents.add(safe);
  try {
    for (const problem of problems) report(problem);
  } catch {
    // A failing listener does not make the event unsafe.
  }
  return safe;
}
