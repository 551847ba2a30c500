/** The page an event happened on, as Segment's `context.page` describes it. */
export type PageInfo = {
  url: string;
  path: string;
  search: string;
  title: string;
  /** The previous in-app URL, or the document's referrer before the first navigation. */
  referrer: string;
};

/** Properties of a Segment call: a JSON object. */
export type SegmentProperties = { [key: string]: unknown };

/**
 * One Segment call, independent of any transport.
 *
 * @remarks
 * `timestamp` is the moment the Backstage event was captured, so a call that
 * waits (for identity, for the library) keeps its place in time.
 */
export type SegmentCall =
  | { type: 'page'; properties: SegmentProperties; page: PageInfo; timestamp: Date }
  | { type: 'track'; event: string; properties: SegmentProperties; page: PageInfo; timestamp: Date };
