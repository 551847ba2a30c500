#!/usr/bin/env node
// @ts-check
// What one tracking request costs the page's main thread, made from the page
// and made from a dedicated worker (issue 19, point 1: without `batching`
// every event is its own request, and that cost is most of the floor under
// the default configuration's figure). A bare Chromium page
// (e2e/support/barePage.mjs) posts COUNT text/plain bodies of about a kilobyte
// to a loopback server that answers each with `{}`, at most 64 in flight, in
// alternating rounds: from the page with `fetch`, then from a worker it hands
// each body to (one message per body, one message back per answer, as a
// library awaiting each answer would need). Chromium's `TaskDuration` and
// `ThreadTime` of the page's main thread, per request. Not run by `npm run
// bench`: `node bench/requestCost.mjs` (about a minute; REQUEST_COST_COUNT,
// REQUEST_COST_ROUNDS to change the defaults).
import { createServer } from 'node:http';
import { openBarePage } from '../e2e/support/barePage.mjs';

const COUNT = Number(process.env.REQUEST_COST_COUNT ?? 2000);
const ROUNDS = Number(process.env.REQUEST_COST_ROUNDS ?? 3);
const IN_FLIGHT = 64;
const BODY = JSON.stringify({ type: 'track', event: 'click', properties: { subject: 'x'.repeat(900) }, messageId: 'm' });

/** Requests the tracking server has answered. */
let answered = 0;
const tracking = createServer((request, response) => {
  response.setHeader('access-control-allow-origin', '*');
  request.resume();
  request.on('end', () => {
    answered++;
    response.setHeader('content-type', 'application/json');
    response.end('{}');
  });
});

/**
 * The page's script (and the worker's) as text: both post with the same loop.
 * @param {string} endpoint
 */
function pageSources(endpoint) {
  const sender = `
    const queue = []; let inFlight = 0;
    const pump = answer => { while (inFlight < ${IN_FLIGHT} && queue.length) { inFlight++;
      fetch(${JSON.stringify(endpoint)}, { method: 'POST', body: queue.shift(), headers: { 'content-type': 'text/plain' } })
        .then(r => r.text().then(() => r.status), () => 0).then(status => { inFlight--; answer(status); pump(answer); }); } };`;
  const worker = `${sender} onmessage = e => { queue.push(e.data); pump(status => postMessage(status)); };`;
  const page = `<!doctype html><title>request cost</title><script>${sender}
    const worker = new Worker('/worker.js'); worker.onmessage = () => {};
    window.fromPage = (n, body) => { for (let i = 0; i < n; i++) queue.push(body); pump(() => {}); };
    window.fromWorker = (n, body) => { for (let i = 0; i < n; i++) worker.postMessage(body); };
  </script>`;
  return { worker, page };
}

await new Promise(listening => tracking.listen(0, '127.0.0.1', () => listening(undefined)));
const endpoint = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (tracking.address()).port}/v1/t`;
const sources = pageSources(endpoint);
const site = createServer((request, response) => {
  const isWorker = request.url === '/worker.js';
  response.setHeader('content-type', isWorker ? 'text/javascript' : 'text/html');
  response.end(isWorker ? sources.worker : sources.page);
});
await new Promise(listening => site.listen(0, '127.0.0.1', () => listening(undefined)));
const page = await openBarePage();
try {
  await page.send('Performance.enable');
  await page.goto(`http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (site.address()).port}/`);
  await page.waitForFunction(() => typeof (/** @type {any} */ (window)).fromWorker === 'function');
  const metrics = async () => {
    const { metrics: list } = await page.send('Performance.getMetrics');
    /** @param {string} name */
    const ms = name => (list.find((/** @type {{ name: string }} */ m) => m.name === name)?.value ?? 0) * 1000;
    return { task: ms('TaskDuration'), thread: ms('ThreadTime') };
  };
  /** @type {Record<string, { task: number[], thread: number[] }>} */
  const results = { page: { task: [], thread: [] }, worker: { task: [], thread: [] } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const from of /** @type {const} */ (['page', 'worker'])) {
      answered = 0;
      const before = await metrics();
      await page.evaluate(([where, n, body]) => /** @type {any} */ (window)[where === 'page' ? 'fromPage' : 'fromWorker'](n, body), [from, COUNT, BODY]);
      while (answered < COUNT) await new Promise(r => setTimeout(r, 50));
      await new Promise(r => setTimeout(r, 500)); // the last answers reach the page
      const after = await metrics();
      results[from].task.push((after.task - before.task) / COUNT);
      results[from].thread.push((after.thread - before.thread) / COUNT);
    }
  }
  const range = (/** @type {number[]} */ values) => `${Math.min(...values).toFixed(3)}-${Math.max(...values).toFixed(3)}`;
  console.log(`${COUNT} requests per round, ${ROUNDS} rounds each, at most ${IN_FLIGHT} in flight; main thread, ms per request (min-max over rounds)`);
  console.log('from         TaskDuration   ThreadTime');
  for (const from of /** @type {const} */ (['page', 'worker'])) {
    console.log(`${from.padEnd(12)} ${range(results[from].task).padEnd(14)} ${range(results[from].thread)}`);
  }
  const median = (/** @type {number[]} */ values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(`worker/page, median TaskDuration: ${(median(results.worker.task) / median(results.page.task)).toFixed(2)}`);
} finally {
  await page.close();
  tracking.close();
  site.close();
}
