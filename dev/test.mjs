#!/usr/bin/env node
// @ts-check
// `npm test`: every test suite of the package, all started at once:
//   - jest (`backstage-cli package test`, JEST_WORKERS workers, default 2 beside
//     the end-to-end files (less CPU in all than 3: docs/contributing.md), 3 alone:
//     its wire tests mostly wait on the library and the loopback collector),
//   - the embedded collector's and the config schema's tests (`node --test`),
//   - the bundling of the apps the end-to-end tests use (e2e/support/buildApp.mjs),
//     then the end-to-end files, each in its own `node --test` process with one
//     shared Chromium, E2E_CONCURRENCY files at a time (default 2), the longest
//     first and the 10,000-event burst last; within a file, independent tests
//     run E2E_TESTS_AT_ONCE at a time (default 3; e2e/support/harness.mjs),
//     each in its own browser context.
// Most of the time of these tests is waiting (the library loading, retries,
// "nothing more arrives" windows), so they overlap well. Waits for a
// condition are bounded generously, so that CPU contention slows a run down
// rather than failing it (docs/contributing.md).
// Each process's output is printed whole when it ends, then a summary (with
// the machine's load average: the times mean little on a busy machine).
//   node dev/test.mjs                      everything (npm test)
//   node dev/test.mjs unit e2e             some suites (unit, collector, e2e)
//   node dev/test.mjs e2e/teams.test.mjs   some end-to-end files (after bundling)
//   node dev/test.mjs --serial             one thing at a time, one test at a
//                                          time (a machine busy with other work)
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * End-to-end files that take longest, started first so that the others run
 * beside them (the rest follow in name order, then LAST).
 */
const LONGEST_FIRST = ['e2e/dataLoss.test.mjs', 'e2e/devApp.test.mjs', 'e2e/privacy.test.mjs', 'e2e/hostileBrowser.test.mjs'];

/**
 * Started last: the 10,000-event burst keeps a browser and the collector
 * busy on its own and checks that the page stays responsive meanwhile; by
 * then jest and most other files are done, and it has the machine nearly
 * to itself.
 */
const LAST = ['e2e/burst.test.mjs'];

const argv = process.argv.slice(2);
const serial = argv.includes('--serial');
/** @param {string} name @param {number} fallback */
function positive(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number; got ${process.env[name]}`);
  return value;
}
const e2eConcurrency = positive('E2E_CONCURRENCY', serial ? 1 : 2);
const testsAtOnce = positive('E2E_TESTS_AT_ONCE', serial ? 1 : 3);

/** @typedef {{ name: string, ok: boolean, seconds: number }} Outcome */

/** @type {Outcome[]} */
const outcomes = [];
const started = performance.now();
const env = { ...process.env, CI: 'true', E2E_TESTS_AT_ONCE: String(testsAtOnce), PATH: [join(ROOT, 'node_modules', '.bin'), process.env.PATH].join(delimiter) };

/**
 * Runs one command, its output (stdout and stderr, interleaved) kept and
 * printed whole once it exits.
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @returns {Promise<boolean>} whether it passed
 */
function run(name, command, args) {
  const start = performance.now();
  return new Promise(done => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {Buffer[]} */
    const output = [];
    child.stdout.on('data', chunk => output.push(chunk));
    child.stderr.on('data', chunk => output.push(chunk));
    let finished = false;
    const finish = (/** @type {boolean} */ ok, /** @type {string} */ why = '') => {
      if (finished) return;
      finished = true;
      const seconds = (performance.now() - start) / 1000;
      outcomes.push({ name, ok, seconds });
      const status = `${ok ? 'passed' : `FAILED${why}`} in ${seconds.toFixed(1)} s`;
      process.stdout.write(`\n${'='.repeat(8)} ${name}: ${status} ${'='.repeat(8)}\n${Buffer.concat(output).toString()}`);
      process.stdout.write(`${'='.repeat(8)} end of ${name}: ${status}\n`);
      done(ok);
    };
    child.on('error', error => finish(false, ` (${error.message})`));
    child.on('exit', (code, signal) => {
      const why = code === 0 ? '' : ` (${signal ?? `exit code ${code}`})`;
      // Its output ends when every process holding it has closed it: give a
      // process it left behind (a leak to fix) a moment, then go on without it.
      const leaked = setTimeout(() => {
        output.push(Buffer.from(`\n!! ${name} exited, but a process it started still holds its output open (left running?)\n`));
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code === 0, why);
      }, 5000);
      child.once('close', () => {
        clearTimeout(leaked);
        finish(code === 0, why);
      });
    });
  });
}

/** The end-to-end files asked for (all by default), longest first. @param {string[]} asked */
function e2eFiles(asked) {
  const all = asked.length
    ? asked
    : readdirSync(join(ROOT, 'e2e')).filter(f => f.endsWith('.test.mjs')).sort().map(f => `e2e/${f}`);
  const rank = (/** @type {string} */ file) => {
    if (LAST.includes(file)) return LONGEST_FIRST.length + 1;
    const i = LONGEST_FIRST.indexOf(file);
    return i < 0 ? LONGEST_FIRST.length : i;
  };
  return [...all].sort((a, b) => rank(a) - rank(b));
}

/** Runs the end-to-end files, `e2eConcurrency` at a time. @param {string[]} files */
async function e2e(files) {
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      // --test-force-exit: a Backstage backend (e2e/backend.test.mjs) leaves database pool timers after stop.
      await run(file, process.execPath, ['--test', '--test-force-exit', '--test-reporter=spec', file]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(e2eConcurrency, files.length) }, worker));
}

const files = argv.filter(a => a.endsWith('.mjs'));
const suites = argv.filter(a => !a.endsWith('.mjs') && !a.startsWith('--'));
for (const suite of suites) {
  if (!['unit', 'collector', 'e2e'].includes(suite)) throw new Error(`unknown suite ${suite}: unit, collector or e2e`);
}
for (const flag of argv.filter(a => a.startsWith('--'))) {
  if (flag !== '--serial') throw new Error(`unknown option ${flag}: --serial is the only one`);
}
const wants = (/** @type {string} */ suite) => (suites.length === 0 && files.length === 0) || suites.includes(suite);
const withE2e = wants('e2e') || files.length > 0;
/** Beside the end-to-end files, 2 workers cost less CPU in all than 3 (docs/contributing.md). */
let defaultJestWorkers = withE2e ? 2 : 3;
if (serial) defaultJestWorkers = 1;
const jestWorkers = positive('JEST_WORKERS', defaultJestWorkers);

/** @type {Array<() => Promise<unknown>>} */
const jobs = [];
if (wants('unit')) jobs.push(() => run('unit tests (jest)', 'backstage-cli', ['package', 'test', '--no-watch', `--maxWorkers=${jestWorkers}`]));
if (wants('collector')) jobs.push(() => run('collector tests', process.execPath, ['--test', '--test-reporter=spec', 'dev/collector/', 'scripts/']));
if (withE2e) {
  jobs.push(async () => {
    if (await run('e2e apps bundle', process.execPath, ['e2e/support/buildApp.mjs'])) await e2e(e2eFiles(files));
  });
}
const loadBefore = loadavg()[0];
if (serial) {
  for (const job of jobs) await job();
} else {
  await Promise.all(jobs.map(job => job()));
}

const failed = outcomes.filter(o => !o.ok);
const load = `load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end, ${cpus().length} cores`;
console.log(`\n${'='.repeat(8)} summary (${((performance.now() - started) / 1000).toFixed(1)} s in all${serial ? ', --serial' : ''}; jest workers ${jestWorkers}, e2e files at once ${e2eConcurrency}, tests at once ${testsAtOnce}; ${load})`);
for (const o of outcomes) console.log(`${o.ok ? 'passed' : 'FAILED'}  ${o.seconds.toFixed(1).padStart(6)} s  ${o.name}`);
if (failed.length) {
  console.log(`${failed.length} FAILED: ${failed.map(o => o.name).join(', ')}`);
  process.exitCode = 1;
}
