import { createBatchSender, PostBatch } from '../delivery/batching/batchSender';
import type { BatchingConfig } from '../delivery/batching/batchRequest';
import { browserScheduler } from '../time/scheduler';

/** A request the batcher made, its body parsed. */
export type SentRequest = { url: string; init: RequestInit; body: { writeKey: string; batch: Array<Record<string, any>>; sentAt: string } };

/** A batcher over jest's fake timers; `answers` (status, or a thrown error) are used in turn, then 200. */
export function sender(config: Partial<BatchingConfig> = {}, answers: Array<number | Error | [number, string]> = [], more = {}) {
  const requests: SentRequest[] = [];
  const pending = [...answers];
  const post: PostBatch = async (url, init) => {
    requests.push({ url, init, body: JSON.parse(String(init.body)) });
    const answer = pending.shift() ?? 200;
    if (answer instanceof Error) throw answer;
    const [status, retryAfter] = Array.isArray(answer) ? answer : [answer, null];
    return { status, headers: { get: (name: string) => (name === 'Retry-After' ? retryAfter : null) } };
  };
  const batchConfig: BatchingConfig = { size: 3, timeout: 1000, ...config };
  const batches = createBatchSender({
    url: 'https://api.example/v1/b',
    writeKey: 'wk',
    config: batchConfig,
    scheduler: browserScheduler,
    post,
    random: () => 0.5,
    ...more,
  });
  return { batches, requests, config: batchConfig, ids: (i: number) => requests[i].body.batch.map(event => event.messageId) };
}

/** A track event as the library builds it, its messageId `m<id>`. */
export const event = (id: number, more: object = {}) => ({ type: 'track', event: 'e', messageId: `m${id}`, _metadata: { bundled: ['Segment.io'] }, ...more });
