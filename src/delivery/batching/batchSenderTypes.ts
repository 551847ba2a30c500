import type { Scheduler } from '../../time/scheduler';
import type { AnswerBehaviour, FailedAnswer } from './retryPolicy';
import type { BatchingConfig, PostBatch } from './batchRequest';
import type { KeepaliveAllowance } from './keepaliveAllowance';

/** See {@link createBatchSender}. */
export type BatchSenderOptions = {
  /** Segment's batch endpoint (`…/b`). */
  url: string;
  writeKey: string;
  config: BatchingConfig;
  /** Statuses answered otherwise than 4xx drops, 5xx retries (the library's `httpConfig`). */
  statusOverrides?: Readonly<Record<string, AnswerBehaviour>>;
  scheduler: Pick<Scheduler, 'setTimeout' | 'clearTimeout' | 'wallNow'>;
  post: PostBatch;
  /** False while the browser says it is offline: batches wait, no try is spent. */
  online?: () => boolean;
  random?: () => number;
  /** The `keepalive` bytes in flight, shared by every sender of the page (a test may give its own). */
  keepalives?: KeepaliveAllowance;
};

/** What the sender tells about one event (see {@link BatchSender.add}). */
export type EventOutcomes = {
  attempted?: (failure: FailedAnswer | undefined) => void;
  done?: () => void;
  /** A request with `keepalive` carries it (the page hidden): it should arrive even if the page is left now. */
  carried?: () => void;
};

/** See {@link createBatchSender}. */
export type BatchSender = {
  /**
   * Adds one event (the object sent, `sentAt` aside). `told.attempted` is
   * told the outcome of each request of its batch; `told.done`, once it has
   * been delivered or dropped for good (not while it waits or is retried).
   * Resolves at once if the event waits for more, or once the request it
   * completed has had its answer.
   */
  add(event: Record<string, unknown>, told?: EventOutcomes): Promise<void>;
  /** The page was hidden or left (true), or shown again (false). */
  pageHidden(hidden: boolean): void;
  /**
   * Analytics is switched off: what is buffered or waits for a retry is
   * dropped (settled, told done, never sent), a request in flight is not
   * retried, and nothing added later is sent.
   */
  stop(): void;
};
