// @ts-check
// End-to-end: configuration cannot freeze the page. Event rules with many
// `*` and redact patterns that make a backtracking engine take exponential or
// polynomial time, and an in-app navigation to a URL (so the `navigate`
// subject, the page's url and search) holding 20,000 letters `a` then `!`,
// which none of them matches: a backtracking engine would not finish (the tab
// hangs). Long tasks are counted with a PerformanceObserver, the same
// navigation without the options as the control; not timed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADVERSARIAL_OPTIONS, LONG } from '../bench/adversarial.mjs';
import { browserMissing } from './support/browser.mjs';
import { harnessesOfFile } from './support/harness.mjs';

const missing = browserMissing();
const { harness } = harnessesOfFile();
const QUERY = `?note=${'a'.repeat(LONG)}!`;

/**
 * Navigates in the app to the long URL (the router follows popstate, as
 * after a link); returns the page call that arrived and the long tasks (ms)
 * from the navigation until then, and checks that the page still answers.
 * @param {object} segment
 */
async function navigateToLongUrl(segment) {
  const { page, collector } = await harness({ segment });
  await page.evaluate(() => {
    /** @type {any} */ (window).__longTasks = [];
    new PerformanceObserver(list => /** @type {any} */ (window).__longTasks.push(...list.getEntries().map(e => Math.round(e.duration)))).observe({
      type: 'longtask',
    });
  });
  await page.evaluate(query => {
    history.pushState({}, '', `/playground${query}`);
    dispatchEvent(new PopStateEvent('popstate'));
  }, QUERY);
  const isLong = (/** @type {any} */ m) => m.type === 'page' && String(m.properties.subject).startsWith('/playground?note=');
  const call = (await collector.waitFor(m => m.some(isLong), 60_000)).find(isLong);
  // The page answers: a task queued now runs (a frozen page never would).
  const answer = page.evaluate(() => new Promise(resolve => setTimeout(() => resolve('answered'), 0)));
  const late = new Promise(resolve => setTimeout(() => resolve('no answer within 30 s'), 30_000).unref());
  assert.equal(await Promise.race([answer, late]), 'answered');
  return { call, longTasks: /** @type {number[]} */ (await page.evaluate(() => /** @type {any} */ (window).__longTasks)) };
}

describe('rules and patterns that backtrack for ever', { skip: missing }, () => {
  it('leave the page responsive: the page call with the long subject arrives, long tasks as without them', { timeout: 240_000 }, async () => {
    const control = await navigateToLongUrl({});
    const adversarial = await navigateToLongUrl(ADVERSARIAL_OPTIONS);
    // Nothing matched: only the size limit cut the subject (the event is over 28 KB).
    assert.ok(adversarial.call, 'the page call with the long subject arrived');
    assert.match(adversarial.call.properties.subject, /^\/playground\?note=a{1000,}…\[truncated\]$/);
    const longest = (/** @type {number[]} */ tasks) => Math.max(0, ...tasks);
    console.log(`long tasks (ms) from the navigation to the call's arrival: with the options ${JSON.stringify(adversarial.longTasks)}, without ${JSON.stringify(control.longTasks)}`);
    // The module's own work is linear: a few milliseconds per pattern and string. A backtracking
    // engine never finishes; this bound leaves room for a machine under load.
    assert.ok(longest(adversarial.longTasks) < longest(control.longTasks) + 3000, 'the options made a long task');
  });
});
