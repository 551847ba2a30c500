import type { Request } from 'express';
import type { Checked } from '../wire/checkMessage';

/**
 * The request body as text, at most `limit` bytes. A body declared or found
 * larger is refused (413) without being read further; the caller closes the
 * connection so that the rest is not read either.
 */
export function readBody(req: Request, limit: number, what: string): Promise<Checked<string>> {
  const tooLarge = (bytes: string): Checked<string> => ({
    ok: false,
    status: 413,
    message: `${what} is ${bytes} bytes; Segment accepts at most ${limit}`,
  });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(tooLarge(String(declared)));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        req.off('data', onData);
        req.pause();
        resolve(tooLarge(`more than ${limit}`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve({ ok: true, value: Buffer.concat(chunks).toString('utf8') }));
    req.once('error', reject);
  });
}
