/**
 * The message type each single-call path carries (`POST /v1/t` is a track call, ...), as analytics-next posts them.
 * A Map, so that a path such as `constructor` or `__proto__` is no path (an object's lookup would find its prototype's).
 */
export const SINGLE_CALL_PATHS: ReadonlyMap<string, SegmentType> = new Map<string, SegmentType>([
  ['t', 'track'],
  ['p', 'page'],
  ['i', 'identify'],
  ['g', 'group'],
  ['a', 'alias'],
  ['s', 'screen'],
]);

/** The path analytics-next posts batches to (`{ batch, sentAt, writeKey }`). */
export const BATCH_PATH = 'b';

/** The message types Segment knows. */
export type SegmentType = 'track' | 'page' | 'identify' | 'group' | 'alias' | 'screen';
/** Every {@link SegmentType}, for checking a message's `type`. */
export const SEGMENT_TYPES: readonly SegmentType[] = ['track', 'page', 'identify', 'group', 'alias', 'screen'];

/** Segment's limit on one message (its JSON), and so on a single-call body, in bytes. */
export const MAX_MESSAGE_BYTES = 32 * 1024;
/** Segment's limit on one batch request body, in bytes. */
export const MAX_BATCH_BYTES = 500 * 1024;
/** Deepest JSON nesting of one message (the message object is depth 1). */
export const MAX_DEPTH = 128;
/** Longest messageId accepted, in characters. */
export const MAX_MESSAGE_ID_LENGTH = 100;
