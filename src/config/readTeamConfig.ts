import { Config } from '@backstage/config';
import { byteSize } from '../mapping/fitToSizeLimit';
import { asConfigBoolean, block, describe, invalid, isDecimalText, isObject } from './configErrors';

/** Group calls per user when `groups` sets no limit. */
const DEFAULT_GROUP_LIMIT = 10;
/** Most group calls one user can be configured to send. */
const MAX_GROUP_LIMIT = 100;

/**
 * The team analytics keys of `app.analytics.segment`, validated.
 *
 * @remarks
 * With the defaults (`groups: false`, empty maps) the payload is exactly the
 * drop-in one.
 */
export type TeamConfig = {
  /** `false`: no group calls; otherwise at most `limit` group calls per user. */
  groups: false | { limit: number };
  /** Added to the properties of every page and track call, under the event's own fields. */
  extraProperties: Readonly<Record<string, string>>;
  /** Segment event name per Backstage action, for track calls. */
  eventNames: Readonly<Record<string, string>>;
};

/**
 * Largest `extraProperties` may be, as JSON in UTF-8 (the bytes every page
 * and track call carries): a call must stay within Segment's 32 KB (the
 * module keeps its part under 28 KB). A larger map would have every call
 * dropped as too large.
 */
const MAX_EXTRA_PROPERTY_BYTES = 16 * 1024;

/** `true`/`false`, also as the strings environment variables give. */
const GROUPS_ACCEPTS = 'true, false, or an object { enabled?: boolean, limit?: number }';

function readGroups(raw: unknown): TeamConfig['groups'] {
  if (raw === undefined) return false;
  const flag = asConfigBoolean(raw);
  if (flag !== undefined) return flag && { limit: DEFAULT_GROUP_LIMIT };
  if (!isObject(raw)) throw invalid('groups', GROUPS_ACCEPTS, describe(raw));
  block(raw, 'groups', ['enabled', 'limit']);
  const enabled = raw.enabled === undefined ? true : asConfigBoolean(raw.enabled);
  if (enabled === undefined) throw invalid('groups.enabled', 'a boolean (true or false)', describe(raw.enabled));
  const limitAccepts = `a whole number from 1 to ${MAX_GROUP_LIMIT}`;
  const limit = typeof raw.limit === 'string' && isDecimalText(raw.limit) ? Number(raw.limit) : raw.limit;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_GROUP_LIMIT)) {
    throw invalid('groups.limit', limitAccepts, describe(raw.limit));
  }
  return enabled && { limit: limit ?? DEFAULT_GROUP_LIMIT };
}

/** A flat map of non-blank strings; `check` may reject a key. */
function readStringMap(
  key: string,
  raw: unknown,
  accepts: string,
  check?: (name: string) => string | undefined,
): Record<string, string> {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw invalid(key, accepts, describe(raw));
  const entries: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(raw)) {
    if (name.trim() === '') throw invalid(key, accepts, 'got an empty name');
    const problem = check?.(name);
    if (problem) throw invalid(`${key}.${name}`, problem);
    if (typeof value !== 'string' || value.trim() === '') {
      throw invalid(`${key}.${name}`, 'a non-empty string (quote numbers and booleans)', describe(value));
    }
    entries.push([name, value.trim()]);
  }
  return Object.fromEntries(entries);
}

/**
 * Reads and validates the team analytics keys (`groups`, `extraProperties`,
 * `eventNames`) of the `app.analytics.segment` block.
 *
 * @remarks
 * Pure. A value of the wrong type throws an error naming the key and what it
 * accepts.
 */
export function readTeamConfig(segment: Config | undefined): TeamConfig {
  const groups = readGroups(segment?.getOptional('groups'));
  const extraProperties = readStringMap('extraProperties', segment?.getOptional('extraProperties'), 'a map of property names to strings');
  const extraBytes = byteSize(extraProperties);
  if (extraBytes > MAX_EXTRA_PROPERTY_BYTES) {
    throw invalid(
      'extraProperties',
      `at most ${MAX_EXTRA_PROPERTY_BYTES} bytes as JSON (every call carries them, within Segment's 32 KB)`,
      `got ${extraBytes}`,
    );
  }
  return {
    groups,
    extraProperties,
    eventNames: readStringMap(
      'eventNames',
      segment?.getOptional('eventNames'),
      'a map of Backstage actions to Segment event names',
      action =>
        action === 'navigate'
          ? "an action other than 'navigate': navigate becomes a page call, which has no event name"
          : undefined,
    ),
  };
}
