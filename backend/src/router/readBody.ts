import type { Request } from 'express';

/**
 * How long the relay waits for a whole request body, in milliseconds: as long
 * as the browser's batcher waits for an answer (a 450 KB batch at 64 kbit/s
 * takes about 58 s; a shorter deadline would refuse such a batch on every
 * try). Past it the request is answered 408 (which analytics-next retries)
 * and its connection closed, so that a client that sends a byte now and then
 * cannot hold a connection and its buffers for the server's own request
 * time-out (Node's default: 5 minutes).
 */
export const BODY_DEADLINE_MS = 60_000;

/**
 * What reading a body gave: its text; a problem to answer (408: not received
 * within the deadline; 413: too large), after which the caller closes the
 * connection so that the rest is not read; or `gone`: the client closed the
 * connection first, and there is no one to answer.
 */
export type BodyRead =
  | { ok: true; value: string }
  | { ok: false; status: 408 | 413; message: string }
  | { ok: false; gone: true };

/**
 * The request body as text, at most `limit` bytes, within `deadlineMs`. A
 * body declared or found larger is refused (413) without being read further,
 * and so is one still incomplete at the deadline (408). Never rejects: a
 * client that aborts mid-body (its doing, not the server's) gives `gone`.
 */
export function readBody(req: Request, limit: number, what: string, deadlineMs = BODY_DEADLINE_MS): Promise<BodyRead> {
  const tooLarge = (bytes: string): BodyRead => ({
    ok: false,
    status: 413,
    message: `${what} is ${bytes} bytes; Segment accepts at most ${limit}`,
  });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(tooLarge(String(declared)));
  if (req.destroyed) return Promise.resolve({ ok: false, gone: true });
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const timer = setTimeout(() => {
      settle({ ok: false, status: 408, message: `${what} was not received within ${deadlineMs / 1000} s; send it again` });
    }, deadlineMs);
    function settle(result: BodyRead) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Not read further: the caller answers and closes the connection.
      if (!result.ok) req.pause();
      resolve(result);
    }
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      bytes += chunk.length;
      if (bytes > limit) settle(tooLarge(`more than ${limit}`));
      else chunks.push(chunk);
    });
    req.once('end', () => settle({ ok: true, value: Buffer.concat(chunks).toString('utf8') }));
    // An error of the request stream is its connection's: reset or closed by the client.
    req.on('error', () => settle({ ok: false, gone: true }));
    req.once('close', () => settle({ ok: false, gone: true }));
  });
}
