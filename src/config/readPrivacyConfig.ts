import { Config } from '@backstage/config';
import { asConfigBoolean, block, describe, invalid } from './configErrors';
import { compileFieldMatcher, parseRegexLiteral } from '../privacy/fieldMatcher';
import { AllowList, BUILT_IN_QUERY_PARAMS, EventRule, PrivacyConfig } from '../privacy/PrivacyConfig';
import { parseUserExpression, UserExpression } from '../privacy/userExpression';

const RULE_FIELDS = ['action', 'pluginId', 'subject'] as const;

/** The raw value at `key` of the segment block. */
function rawAt(c: Config | undefined, key: string): unknown {
  try {
    return c?.getOptional(key);
  } catch (e) {
    throw invalid(key, 'a value', e instanceof Error ? e.message : String(e));
  }
}

function bool(value: unknown, key: string): boolean {
  if (value === undefined) return false;
  const flag = asConfigBoolean(value);
  if (flag === undefined) throw invalid(key, 'a boolean (true or false)', describe(value));
  return flag;
}

function stringList(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalid(key, 'a list of strings', describe(value));
  return value.map((item, index) => {
    if (typeof item !== 'string' || item.trim() === '') {
      throw invalid(`${key}[${index}]`, 'a non-empty string', describe(item));
    }
    return item;
  });
}

function searchTerms(value: unknown): PrivacyConfig['searchTerms'] {
  if (value === undefined) return 'keep';
  if (value === 'sha-256') return 'sha-256';
  const flag = asConfigBoolean(value); // spelled as every boolean key (an environment variable's 'yes', 'on', '1')
  if (flag === undefined) throw invalid('redact.searchTerms', "true, false or 'sha-256'", describe(value));
  return flag ? 'redact' : 'keep';
}

function userPatterns(value: unknown): UserExpression[] {
  return (stringList(value, 'redact.patterns') ?? []).map((source, index) => {
    const key = `redact.patterns[${index}]`;
    try {
      return parseUserExpression(source, '', key);
    } catch (e) {
      throw invalid(key, 'a valid regular expression', (e as Error).message);
    }
  });
}

/** Rules as compiled matchers; their `/.../` fields are also added to `expressions`. */
function rules(value: unknown, key: string, expressions: UserExpression[], ruleExpressions: () => number): EventRule[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalid(key, 'a list of rules { action?, pluginId?, subject? }', describe(value));
  // An empty include list would send no event at all, silently: leaving the key out sends every one.
  if (!value.length && key.endsWith('include')) throw invalid(key, 'at least one rule (leave the key out to send every event)', 'got []');
  return value.map((item, index) => {
    const at = `${key}[${index}]`;
    const fields = block(item, at, RULE_FIELDS);
    if (!RULE_FIELDS.some(field => fields[field] !== undefined)) {
      throw invalid(at, 'a rule with at least one of action, pluginId, subject', 'got an empty rule');
    }
    const rule: EventRule = {};
    for (const field of RULE_FIELDS) {
      const text = fields[field];
      if (text === undefined) continue;
      if (typeof text !== 'string' || text === '') throw invalid(`${at}.${field}`, 'a non-empty string', describe(text));
      const fieldKey = `${at}.${field}`;
      try {
        const expression = parseRegexLiteral(text, fieldKey);
        if (expression) expressions.push(expression);
        rule[field] = compileFieldMatcher(text, fieldKey, ruleExpressions);
      } catch (e) {
        throw invalid(`${at}.${field}`, "a name, a pattern with '*', or a valid /regular expression/", (e as Error).message);
      }
    }
    return rule;
  });
}

function allowList(value: unknown, key: string): AllowList {
  const names = stringList(value, key);
  if (!names || names.includes('*')) return '*';
  return new Set(names);
}

/**
 * Reads and validates the privacy and governance keys of
 * `app.analytics.segment` (`redact.*`, `events.*`, `allowedAttributes`,
 * `allowedContexts`, `respectGlobalPrivacyControl`) once, and compiles their
 * expressions.
 *
 * @remarks
 * Pure. An error names the full key, down to the list index:
 * `Invalid config app.analytics.segment.redact.patterns[2]: expected a valid
 * regular expression (...)`. Regular expressions are checked here and
 * listed in `expressions`, for the linear-time engine to compile later.
 *
 * @param c - the `app.analytics.segment` block, if any
 */
export function readPrivacyConfig(c: Config | undefined): PrivacyConfig {
  const redact = block(rawAt(c, 'redact'), 'redact', ['queryParams', 'searchTerms', 'patterns', 'emails']);
  const events = block(rawAt(c, 'events'), 'events', ['include', 'exclude']);
  const extraParams = stringList(redact.queryParams, 'redact.queryParams') ?? [];
  const patterns = userPatterns(redact.patterns);
  const expressions = [...patterns];
  // The rule fields' expressions share one budget of characters per event (counted once all are read).
  const ruleExpressions = () => expressions.length - patterns.length;
  const include = rules(events.include, 'events.include', expressions, ruleExpressions);
  const exclude = rules(events.exclude, 'events.exclude', expressions, ruleExpressions) ?? [];
  return {
    queryParams: new Set([...BUILT_IN_QUERY_PARAMS, ...extraParams.map(name => name.trim().toLowerCase())]),
    searchTerms: searchTerms(redact.searchTerms),
    emails: bool(redact.emails, 'redact.emails'),
    userPatterns: patterns,
    expressions,
    ...(include && { include }),
    exclude,
    allowedAttributes: allowList(rawAt(c, 'allowedAttributes'), 'allowedAttributes'),
    allowedContexts: allowList(rawAt(c, 'allowedContexts'), 'allowedContexts'),
    respectGlobalPrivacyControl: bool(rawAt(c, 'respectGlobalPrivacyControl'), 'respectGlobalPrivacyControl'),
  };
}
