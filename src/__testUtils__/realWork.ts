// The real timer, taken when this module loads (before a test installs jest's fake timers).
const realSetTimeout = globalThis.setTimeout;
const realNow = Date.now.bind(Date);

/**
 * Waits for real asynchronous work that fake time cannot drive (a dynamic
 * import, WebCrypto's digest): checks `done` every few real milliseconds and
 * fails, naming `what`, once `maxMs` of real time have passed. Not a sleep:
 * it returns as soon as `done` holds.
 */
export async function untilRealWork(done: () => boolean, what: string, maxMs = 10_000): Promise<void> {
  const start = realNow();
  while (!done()) {
    if (realNow() - start > maxMs) throw new Error(`still waiting after ${maxMs} ms: ${what}`);
    await new Promise(resolve => realSetTimeout(resolve, 5));
  }
}
