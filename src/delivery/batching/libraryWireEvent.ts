/** The Segment.io settings the library merges from its CDN settings and its init options. */
export type SegmentIoSettings = {
  apiKey?: string;
  addBundledMetadata?: boolean;
  unbundledIntegrations?: string[];
  maybeBundledConfigIds?: Record<string, string[]>;
};

/** What building an event needs of a loaded library. */
export type WireEventSource = {
  user(): { id(): string | null | undefined; anonymousId(): string | null | undefined };
  queue: { failedInitializations?: string[] };
};

/** An event as the library hands it to its destination (`ctx.event`). */
export type LibraryEvent = Record<string, unknown> & { type?: unknown };

/**
 * Builds, from an event the library has enriched, the object its Segment.io
 * destination puts in a batch: the same fields, in the same order, so that
 * sending batches ourselves (see `batchDestination.ts`) changes nothing on
 * the wire.
 *
 * @remarks
 * As the library does: the call's `options` left out, and a track call's
 * `traits`; the write key added; `userId` and `anonymousId` taken from the
 * library's user when the event has none; `_metadata` telling which
 * integrations are bundled (Segment.io always, with the CDN settings' own
 * bundled and unbundled ones), and the plugins that failed to load. The
 * per-batch `sentAt` is set on the batch, not here. What depends only on
 * the settings is worked out once. This restates the library's wire format
 * (what its destination's normalizing step produces), for parity; the
 * batches' tests compare it with the library's own requests.
 *
 * @param integrations - the CDN settings' `integrations` (each may say `bundlingStatus`)
 */
export function createWireEvents(
  library: WireEventSource,
  settings: SegmentIoSettings,
  integrations: Record<string, unknown>,
): (event: LibraryEvent) => Record<string, unknown> {
  const entries = Object.entries(integrations);
  const statusOf = (integration: unknown) => (integration as { bundlingStatus?: unknown } | null)?.bundlingStatus;
  // Segment.io counts as bundled by name and once more should its settings say so (the library lists it twice then).
  const bundled = [
    ...entries.filter(([name]) => name === 'Segment.io'),
    ...entries.filter(([, integration]) => statusOf(integration) === 'bundled'),
  ]
    .map(([name]) => name)
    .sort();
  const unbundled = [
    ...new Set([
      ...entries.filter(([, integration]) => statusOf(integration) === 'unbundled').map(([name]) => name),
      ...(settings.unbundledIntegrations ?? []),
    ]),
  ].sort();
  const bundledIds = bundled.flatMap(name => settings.maybeBundledConfigIds?.[name] ?? []);
  const bundlingMetadata = settings.addBundledMetadata === false ? undefined : { bundled, unbundled, bundledIds };

  return event => {
    const json: Record<string, unknown> = { ...event };
    delete json.options;
    if (json.type === 'track') delete json.traits;
    json.writeKey = settings.apiKey;
    const user = library.user();
    json.userId = json.userId || user.id();
    json.anonymousId = json.anonymousId || user.anonymousId();
    const failed = library.queue.failedInitializations ?? [];
    const metadata = { ...(failed.length > 0 && { failedInitializations: [...failed] }), ...bundlingMetadata };
    if (Object.keys(metadata).length) json._metadata = metadata;
    return json;
  };
}
