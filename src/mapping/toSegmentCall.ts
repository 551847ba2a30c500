import { BackstageEvent } from './BackstageEvent';
import { PageInfo, SegmentCall, SegmentProperties } from './SegmentCall';

/** Context keys that have a place of their own in the properties. */
const OWN_CONTEXT_KEYS = new Set(['routeRef', 'pluginId', 'extension', 'extensionId']);

/**
 * The properties layout of the public Segment module, kept so that existing
 * dashboards keep working.
 */
function layoutProperties(event: BackstageEvent): SegmentProperties {
  const context = event.context as Record<string, unknown>;
  const extensionId = (context.extensionId ?? context.extension) as string | undefined;
  const additionalContext: Record<string, unknown> = {};
  for (const [key, val] of Object.entries(context)) {
    if (!OWN_CONTEXT_KEYS.has(key)) additionalContext[key] = val;
  }
  return {
    subject: event.subject,
    action: event.action,
    value: event.value,
    routeRef: context.routeRef,
    pluginId: context.pluginId,
    extensionId,
    category: extensionId || 'app',
    attributes: event.attributes ? { ...event.attributes } : undefined,
    additionalContext,
  };
}

/**
 * Maps one Backstage analytics event to the Segment call it becomes.
 *
 * @remarks
 * Pure: the event is only read, never changed. `navigate` becomes a page
 * call (its properties also describe the page, as Segment's page spec
 * asks); `create` becomes `track(subject)`; any other action `track(action)`.
 */
export function toSegmentCall(event: BackstageEvent, page: PageInfo, timestamp: Date): SegmentCall {
  const properties = layoutProperties(event);
  if (event.action === 'navigate') {
    return { type: 'page', properties: { ...page, ...properties }, page, timestamp };
  }
  const name = event.action === 'create' ? event.subject : event.action;
  return { type: 'track', event: name, properties, page, timestamp };
}
