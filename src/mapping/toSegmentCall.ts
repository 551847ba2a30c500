import { BackstageEvent } from './BackstageEvent';
import { PageInfo, SegmentCall, SegmentProperties } from './SegmentCall';
import { SafeEvent, toSafeEvent } from './toSafeEvent';

/** Context keys that have a place of their own in the properties. */
const OWN_CONTEXT_KEYS = new Set(['routeRef', 'pluginId', 'extension', 'extensionId']);

/**
 * The properties layout of the public Segment module, kept so that existing
 * dashboards keep working.
 */
function layoutProperties(event: SafeEvent): SegmentProperties {
  const context = event.context;
  // As the public module: an empty id falls back to the extension, and the category is always text.
  const extensionId = context.extensionId || context.extension;
  const additionalContext: SegmentProperties = {};
  for (const [key, val] of Object.entries(context)) {
    if (!OWN_CONTEXT_KEYS.has(key)) {
      Object.defineProperty(additionalContext, key, { value: val, enumerable: true, writable: true, configurable: true });
    }
  }
  return {
    subject: event.subject,
    action: event.action,
    value: event.value,
    routeRef: context.routeRef,
    pluginId: context.pluginId,
    extensionId,
    category: extensionId ? String(extensionId) : 'app',
    attributes: event.attributes,
    additionalContext,
  };
}

/**
 * Maps one Backstage analytics event to the Segment call it becomes.
 *
 * @remarks
 * Pure, and never throws: the event is read once through
 * {@link toSafeEvent} (only read, never changed), so every call is plain
 * JSON data. `navigate` becomes a page call (its properties also describe
 * the page, as Segment's page spec asks); `create` becomes `track(subject)`,
 * or `track('create')` when the subject is empty or not text; any other
 * action `track(action)`. Event names are never empty.
 */
export function toSegmentCall(event: BackstageEvent | SafeEvent, page: PageInfo, timestamp: Date): SegmentCall {
  const safe = toSafeEvent(event);
  const properties = layoutProperties(safe);
  if (safe.action === 'navigate') {
    return { type: 'page', properties: { ...page, ...properties }, page, timestamp };
  }
  const name = safe.action === 'create' && safe.subjectIsText && safe.subject.trim() ? safe.subject : safe.action;
  return { type: 'track', event: name, properties, page, timestamp };
}
