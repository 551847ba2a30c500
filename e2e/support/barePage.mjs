// @ts-check
// One page in its own headless Chromium, driven over the DevTools protocol
// (a pipe) with the Page and Runtime domains only. Playwright follows every
// request a page makes (in the browser and in Node) and so doubles the CPU
// time of a burst of 10,000 requests; a test that needs nothing of that
// bookkeeping (no request log, no routing) runs its page here instead.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, FLAGS } from './browser.mjs';

/**
 * @typedef {object} BarePage
 * @property {(url: string) => Promise<void>} goto navigates (does not wait for the load)
 * @property {<A, R>(fn: (arg: A) => R | Promise<R>, arg?: A) => Promise<Awaited<R>>} evaluate
 *   runs `fn(arg)` in the page (fn is sent as source: it sees only `arg`), resolves with its JSON-able result
 * @property {<A>(fn: (arg: A) => unknown, arg?: A, timeoutMs?: number) => Promise<void>} waitForFunction
 *   resolves once `fn(arg)` is truthy in the page, polled every 100 ms; rejects after timeoutMs (default 60 s)
 * @property {(method: string, params?: object) => Promise<any>} send
 *   a DevTools protocol command on the page's session (`Performance.getMetrics`, say), resolves with its result
 * @property {() => Promise<void>} close
 */

/**
 * Launches Chromium (FLAGS of browser.mjs, a fresh profile) with one page
 * that accepts every dialog (the dev app's guest sign-in asks one).
 * @param {{ args?: string[] }} [options] extra Chromium flags
 * @returns {Promise<BarePage>}
 */
export async function openBarePage({ args = [] } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'segment-e2e-bare-'));
  const chromium = spawn(CHROMIUM, [...FLAGS, ...args, '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise(done => chromium.once('exit', done));
  let stderr = '';
  chromium.stderr?.on('data', chunk => { stderr = (stderr + chunk).slice(-2000); });
  const toBrowser = /** @type {import('node:stream').Writable} */ (chromium.stdio[3]);
  const fromBrowser = /** @type {import('node:stream').Readable} */ (chromium.stdio[4]);

  let lastId = 0;
  /** @type {Map<number, { resolve: (result: any) => void, reject: (error: Error) => void }>} */
  const pending = new Map();
  /** @type {string | undefined} */
  let sessionId;
  let received = '';
  fromBrowser.on('data', chunk => {
    received += chunk;
    for (let end = received.indexOf('\0'); end >= 0; end = received.indexOf('\0')) {
      const message = JSON.parse(received.slice(0, end));
      received = received.slice(end + 1);
      const call = pending.get(message.id);
      if (call) {
        pending.delete(message.id);
        if (message.error) call.reject(new Error(`${message.error.message} (${message.error.code})`));
        else call.resolve(message.result);
      } else if (message.method === 'Page.javascriptDialogOpening') {
        void send('Page.handleJavaScriptDialog', { accept: true }).catch(() => {});
      }
    }
  });
  void exited.then(() => {
    for (const call of pending.values()) call.reject(new Error(`Chromium exited: ${stderr}`));
    pending.clear();
  });

  /**
   * @param {string} method
   * @param {object} [params]
   * @param {boolean} [toPage] to the page's session (default) or to the browser
   * @returns {Promise<any>}
   */
  function send(method, params = {}, toPage = true) {
    const id = ++lastId;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(toPage && { sessionId }) })}\0`);
    });
  }

  /** @type {BarePage['evaluate']} */
  async function evaluate(fn, arg) {
    const { result, exceptionDetails } = await send('Runtime.evaluate', {
      expression: `(${fn})(${JSON.stringify(arg)})`,
      awaitPromise: true,
      returnByValue: true,
    });
    if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value;
  }

  async function close() {
    await send('Browser.close', {}, false).catch(() => {});
    const killer = setTimeout(() => chromium.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
    // Chromium's helper processes may still be writing to the profile for a moment after it exited
    // (longer on a machine short of memory): a temporary folder left behind fails no test.
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (error) {
      console.warn(`left the temporary profile ${profile}: ${/** @type {Error} */ (error).message}`);
    }
  }

  try {
    const { targetInfos } = await send('Target.getTargets', {}, false);
    const page = targetInfos.find((/** @type {{ type: string }} */ t) => t.type === 'page');
    ({ sessionId } = await send('Target.attachToTarget', { targetId: page.targetId, flatten: true }, false));
    await send('Page.enable');
  } catch (error) {
    await close();
    throw error;
  }

  return {
    async goto(url) {
      const { errorText } = await send('Page.navigate', { url });
      if (errorText) throw new Error(`${url}: ${errorText}`);
    },
    evaluate,
    async waitForFunction(fn, arg, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await evaluate(fn, arg).catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${fn}`);
        await new Promise(wait => setTimeout(wait, 100));
      }
    },
    send: (method, params) => send(method, params),
    close,
  };
}
