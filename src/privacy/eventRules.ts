import { EventRule, PrivacyConfig } from './PrivacyConfig';

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

function matchesRule(rule: EventRule, event: RuleSubject): boolean {
  if (rule.action && !rule.action(asText(event.action))) return false;
  if (rule.pluginId && !rule.pluginId(asText((event.context as { pluginId?: unknown } | undefined)?.pluginId))) {
    return false;
  }
  if (rule.subject && !rule.subject(asText(event.subject))) return false;
  return true;
}

/**
 * Whether an event may be sent under `events.include` / `events.exclude`.
 *
 * @remarks
 * Pure, and the only work done for a dropped event. With `include`, only
 * events matching one of its rules pass; then any event matching an
 * `exclude` rule is dropped. A rule matches when every field it names
 * matches the raw event (its action, `context.pluginId`, and subject).
 */
export function admitsEvent(event: RuleSubject, rules: Pick<PrivacyConfig, 'include' | 'exclude'>): boolean {
  if (rules.include && !rules.include.some(rule => matchesRule(rule, event))) return false;
  return !rules.exclude.some(rule => matchesRule(rule, event));
}
