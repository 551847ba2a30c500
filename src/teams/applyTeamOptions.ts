import { SegmentCall } from '../mapping/SegmentCall';
import type { TeamConfig } from '../config/readTeamConfig';

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/**
 * Applies the team analytics options to one mapped call: `extraProperties`
 * are added to its properties (the event's own fields always win, even when
 * they are empty), and `eventNames` renames a track call by its Backstage
 * action (`create` keeps its subject as the name unless it is mapped).
 *
 * @remarks
 * Pure: returns a new call, or the very same call when there is nothing to
 * do, so that with no options the payload is exactly the drop-in one.
 */
export function applyTeamOptions(
  call: SegmentCall,
  { extraProperties, eventNames }: Pick<TeamConfig, 'extraProperties' | 'eventNames'>,
): SegmentCall {
  const action = call.properties.action;
  const name = call.type === 'track' && typeof action === 'string' && hasOwn(eventNames, action) ? eventNames[action] : undefined;
  const extra = Object.entries(extraProperties).filter(([key]) => !hasOwn(call.properties, key));
  if (name === undefined && extra.length === 0) return call;
  const properties = extra.length ? { ...call.properties, ...Object.fromEntries(extra) } : call.properties;
  if (call.type === 'track') return { ...call, event: name ?? call.event, properties };
  return { ...call, properties };
}
