import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** A message as the collector recorded it. */
export type CollectedMessage = { [key: string]: any };

/** The embedded collector, run in a child process, as tests see it. */
export type LoopbackCollector = {
  url: string;
  apiHost: string;
  /** Accepted messages, oldest first. */
  messages(): Promise<CollectedMessage[]>;
  /** Every HTTP request it saw (settings, preflights and tracking calls). */
  requests(): Promise<Array<{ method: string; path: string; status: number; bodyBytes: number }>>;
  close(): Promise<void>;
};

const CLI = resolve(__dirname, '../../dev/collector/cli.mjs');

/**
 * Starts the dev collector (`dev/collector/cli.mjs`) on a free loopback port
 * in a child process, so that jsdom tests send real HTTP to it.
 */
export async function startLoopbackCollector(): Promise<LoopbackCollector> {
  const child: ChildProcess = spawn(process.execPath, [CLI, '--port', '0', '--quiet'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', chunk => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) ok(match[1]);
    });
    child.on('exit', code => fail(new Error(`collector exited with ${code}: ${out}`)));
  });
  const get = async (path: string) => (await fetch(url + path)).json();
  /** Every entry of a paged listing (the collector answers at most 1000 per page), following `next`. */
  const all = async <T>(path: string, key: string): Promise<T[]> => {
    const pages: T[][] = [];
    for (let next: string | null = `${path}?limit=1000`; next; ) {
      const body: { next: string | null } & Record<string, T[]> = await get(next);
      pages.push(body[key]);
      next = body.next;
    }
    return pages.flat();
  };
  // /events.json pages newest first; /requests.json pages go back in time, each oldest first.
  const messages = async () =>
    (await all<{ message: CollectedMessage }>('/events.json', 'messages')).map(r => r.message).reverse();
  return {
    url,
    apiHost: `${url.replace('http://', '')}/v1`,
    messages,
    requests: async () => {
      const pages: Array<Array<{ method: string; path: string; status: number; bodyBytes: number }>> = [];
      for (let next: string | null = '/requests.json?limit=1000'; next; ) {
        const body = await get(next);
        pages.unshift(body.requests);
        next = body.next;
      }
      return pages.flat();
    },
    close: () =>
      new Promise<void>(done => {
        child.once('exit', () => done());
        child.kill();
      }),
  };
}
