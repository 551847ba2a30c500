import { EventRule, FieldMatcher, PrivacyConfig } from './PrivacyConfig';

/** A field as text for matching: strings as they are, anything else as `String()` gives it, or empty. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  try {
    return String(value);
  } catch {
    return '';
  }
}

/** The fields of an event that rules look at: a raw Backstage event, or one already read safely. */
export type RuleSubject = { action?: unknown; subject?: unknown; context?: unknown };

/** Whether every field the rule names matches; undefined when a field cannot tell yet and none failed. */
function matchesRule(rule: EventRule, event: RuleSubject): boolean | undefined {
  const fields: Array<[FieldMatcher | undefined, () => unknown]> = [
    [rule.action, () => event.action],
    [rule.pluginId, () => (event.context as { pluginId?: unknown } | undefined)?.pluginId],
    [rule.subject, () => event.subject],
  ];
  let answer: boolean | undefined = true;
  for (const [matcher, read] of fields) {
    if (!matcher) continue;
    const result = matcher(asText(read()));
    if (result === false) return false;
    if (result === undefined) answer = undefined;
  }
  return answer;
}

/**
 * Whether an event may be sent under `events.include` / `events.exclude`.
 *
 * @remarks
 * Pure, and the only work done for a dropped event. With `include`, only
 * events matching one of its rules pass; then any event matching an
 * `exclude` rule is dropped. A rule matches when every field it names
 * matches the raw event (its action, `context.pluginId`, and subject).
 * A rule that cannot tell (its regular expression's engine has not loaded,
 * or a field is longer than its costly expression runs on in bounded time)
 * drops the event, included or excluded alike: it fails closed.
 *
 * @param undecided - called when the event is dropped only because a rule
 *   could not tell (no rule decided it either way)
 */
export function admitsEvent(
  event: RuleSubject,
  rules: Pick<PrivacyConfig, 'include' | 'exclude'>,
  undecided: () => void = () => {},
): boolean {
  // Some rule matching for sure: `true`; none, but one that cannot tell: `undefined`; none at all: `false`.
  const anyMatches = (list: readonly EventRule[]): boolean | undefined => {
    let answer: boolean | undefined = false;
    for (const rule of list) {
      const result = matchesRule(rule, event);
      if (result === true) return true;
      if (result === undefined) answer = undefined;
    }
    return answer;
  };
  const included = rules.include ? anyMatches(rules.include) : true;
  const excluded = included === false ? false : anyMatches(rules.exclude);
  if (included === true && excluded === false) return true;
  if (included !== false && excluded !== true) undecided();
  return false;
}
