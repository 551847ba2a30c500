// @ts-check
// The freeze scenario (issue 15, point 11): event rules with many `*` and
// redact patterns that make a backtracking engine take exponential or
// polynomial time, against events whose subject and attribute are long runs
// of `a` that none of them matches (so every rule and pattern is run to its
// end and the event is still sent). Measured in the page: captureEvent on the
// caller with these options and with none, and JavaScript's own RegExp on the
// same expressions (what the module ran before), in the same browser.
//
//   node bench/run.mjs adversarial     (this scenario only, about a minute)
import { openLoaded, scenario, VARIANTS } from './measure.mjs';
import { printTable, ratio } from './report.mjs';
import { median } from './stats.mjs';

/** The options: rules and patterns a backtracking engine cannot run on long text. */
export const ADVERSARIAL_OPTIONS = {
  redact: { patterns: ['(a+)+$', '(?:a|aa)+b', 'a*a*a*a*a*c'] },
  events: {
    exclude: [
      { subject: '*a*a*a*a*a*a*a*a*a*a*b' },
      { subject: '/^(a|a)+$/' },
      { action: 'admin-*-*-*-*-*' },
    ],
  },
};

/** Length of the long subject and attribute (the module looks at 32,768 characters of a string at most). */
export const LONG = 20_000;
const CALLS = 20;
const MIX = 200;

/**
 * What JavaScript's RegExp (as the module used before) costs on the same
 * kind of text, at growing lengths, stopping once one test takes over a
 * second: the expressions of the options above, and the `*` rule as the
 * module compiled it (`^.*a.*a…b$`).
 */
const NATIVE = [
  { label: 'redact pattern (a+)+$', source: '(a+)+$', lengths: [16, 18, 20, 22, 24, 26] },
  { label: 'redact pattern (?:a|aa)+b', source: '(?:a|aa)+b', lengths: [20, 24, 28, 32, 36] },
  { label: 'redact pattern a*a*a*a*a*c', source: 'a*a*a*a*a*c', lengths: [25, 50, 100, 150] },
  { label: "rule '*a*a*a*a*a*a*a*a*a*a*b' as a RegExp", source: `^${'.*a'.repeat(10)}.*b$`, lengths: [20, 25, 30, 35] },
  { label: 'rule /^(a|a)+$/', source: '^(a|a)+$', lengths: [16, 18, 20, 22, 24, 26] },
];

/**
 * @param {import('playwright-core').Browser} browser
 * @param {import('./measure.mjs').StaticServer} server
 */
export function adversarial(browser, server) {
  const measure = (/** @type {any} */ variant) =>
    scenario(browser, async ({ collector, page }) => {
      await openLoaded(page, server, collector, variant);
      const before = collector.messages().length;
      await page.evaluate(() => {
        /** @type {any} */ (window).__longTasks = [];
        new PerformanceObserver(list => /** @type {any} */ (window).__longTasks.push(...list.getEntries().map(e => e.duration))).observe({
          type: 'longtask',
        });
      });
      const long = await page.evaluate(([n, length]) => /** @type {any} */ (window).bench.timeLong(n, length), [CALLS, LONG]);
      const mix = [];
      for (let from = 0; from < MIX; from += 20) mix.push((await page.evaluate(f => /** @type {any} */ (window).bench.timeGroup(f, 20), from)) / 20);
      // Until every call has arrived: the library's work on them is in the window too.
      await collector.waitFor(messages => messages.length >= before + CALLS + MIX, 120_000);
      const longTasks = await page.evaluate(() => /** @type {any} */ (window).__longTasks);
      return { long, mix, longTasks };
    });
  const base = VARIANTS.module;
  return (async () => {
    const withOptions = await measure({ ...base, config: (/** @type {any} */ c) => ({ ...base.config(c), ...ADVERSARIAL_OPTIONS }) });
    const none = await measure(base);
    const { cases: native } = await scenario(browser, async ({ page }) => {
      await page.goto(`${server.url}/empty/index.html`);
      const cases = await page.evaluate(expressions => {
        return expressions.map(({ label, source, lengths }) => {
          const re = new RegExp(source);
          /** @type {Array<{ n: number, ms: number }>} */
          const points = [];
          for (const n of lengths) {
            const text = `${'a'.repeat(n)}!`;
            const t0 = performance.now();
            re.test(text);
            const ms = performance.now() - t0;
            points.push({ n, ms });
            if (ms > 1000) break;
          }
          return { label, source, points };
        });
      }, NATIVE);
      return { cases };
    });
    return { withOptions, none, native };
  })();
}

/** @param {Awaited<ReturnType<typeof adversarial>>} result */
export function printAdversarial({ withOptions, none, native }) {
  const ms = (/** @type {number} */ v) => v.toFixed(v >= 10 ? 0 : (v >= 1 && 1) || 3);
  const us = (/** @type {number} */ v) => (v * 1000).toFixed(1);
  console.log(`\nAdversarial rules and patterns (bench/adversarial.mjs): ${CALLS} clicks whose subject and attribute are ${LONG.toLocaleString('en')} × 'a' then '!', one per task, then ${MIX} of the mix; long tasks until all arrived`);
  printTable([
    ['captureEvent on the calling thread', 'adversarial options', 'no options', 'adversarial/none'],
    ['  long events: median per call (ms)', ms(median(withOptions.long)), ms(median(none.long)), ratio([median(withOptions.long)], [median(none.long)])],
    ['  long events: first call (ms)', ms(withOptions.long[0]), ms(none.long[0]), ratio([withOptions.long[0]], [none.long[0]])],
    ['  long events: slowest of the others (ms)', ms(Math.max(...withOptions.long.slice(1))), ms(Math.max(...none.long.slice(1))),
      ratio([Math.max(...withOptions.long.slice(1))], [Math.max(...none.long.slice(1))])],
    ['  event mix, groups of 20: median per call (µs)', us(median(withOptions.mix)), us(median(none.mix)), ratio([median(withOptions.mix)], [median(none.mix)])],
    ['  long tasks (over 50 ms) in the page; the longest (ms)',
      `${withOptions.longTasks.length}; ${ms(Math.max(0, ...withOptions.longTasks))}`, `${none.longTasks.length}; ${ms(Math.max(0, ...none.longTasks))}`, ''],
  ]);
  const perCall = median(withOptions.long);
  console.log(`\nJavaScript's RegExp on '${'a'}' × n then '!' (what the module ran before; one test each, stopped past 1 s), against the module's whole call at n = ${LONG.toLocaleString('en')}`);
  printTable([
    ['expression', 'n: ms', 'largest n timed', 'RegExp at that n / module call at 20,000'],
    ...native.map((/** @type {{ label: string, points: Array<{ n: number, ms: number }> }} */ { label, points }) => {
      const last = points[points.length - 1];
      return [label, points.map(p => `${p.n}: ${ms(p.ms)}`).join(', '), String(last.n), ratio([last.ms], [perCall])];
    }),
  ]);
}
