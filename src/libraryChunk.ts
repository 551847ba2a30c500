/**
 * The Segment library's lazy chunk, as the event's path loads it (see
 * `eventPath.ts`, stage 15): the transport over the library, and privacy's
 * stage that runs inside it. Imported only through `import()`, so that an
 * app's first load carries none of it.
 */
export { loadSegmentTransport } from './delivery/segmentTransport';
export { pageRedactionPlugin } from './delivery/pageRedactionPlugin';
export { claimLedgerOf } from './delivery/claimLedger';
