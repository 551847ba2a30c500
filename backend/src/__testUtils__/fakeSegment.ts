import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake Segment API received. */
export type ReceivedRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: any };

/** How the fake answers tracking requests. */
export type FakeAnswer = { status: number; headers?: Record<string, string> } | 'hang';

/** A loopback stand-in for Segment's tracking API, for the relay's jest tests. */
export type FakeSegment = {
  /** The base to configure as `segmentAnalytics.upstreamUrl`. */
  url: string;
  requests: ReceivedRequest[];
  /** Every message received, in order. */
  messages(): any[];
  /** Answer the next requests like this (default: 200). */
  answer(answer: FakeAnswer): void;
  /** Answers the requests left hanging so far with `status`. */
  release(status: number): void;
  /** Resolves once `count` requests have arrived. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
};

/** Starts a fake Segment tracking API on 127.0.0.1 and a free port. */
export async function startFakeSegment(): Promise<FakeSegment> {
  const requests: ReceivedRequest[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const hanging = new Set<ServerResponse>();
  let current: FakeAnswer = { status: 200 };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined });
      for (const waiter of waiters.filter(w => requests.length >= w.count)) waiter.resolve();
      if (current === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(current.status, { 'Content-Type': 'application/json', ...current.headers });
      res.end(JSON.stringify({ success: current.status < 300 }));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    messages: () => requests.flatMap(request => request.body?.batch ?? []),
    answer(answer) {
      current = answer;
    },
    release(status) {
      for (const res of hanging) {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ success: status < 300 }));
      }
      hanging.clear();
    },
    received(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise(resolve => waiters.push({ count, resolve }));
    },
    async close() {
      for (const res of hanging) res.destroy();
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
