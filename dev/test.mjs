#!/usr/bin/env node
// @ts-check
// `npm test`: every test suite of the package, in two phases:
//   1. side by side: jest (`backstage-cli package test`), the embedded
//      collector's tests (`node --test dev/collector/`) and the bundling of
//      the apps the end-to-end tests use (e2e/support/buildApp.mjs);
//   2. the end-to-end files, each in its own `node --test` process,
//      E2E_CONCURRENCY of them at a time (default 2), the longest first.
// Jest's tests render whole apps in jsdom within 1 s real-time windows and wait
// on real timers: beside Chromium they starve and fail, hence the phases.
// Each process's output is printed whole when it ends, then a summary (with
// the machine's load average: the times mean little on a busy machine).
//   node dev/test.mjs                      everything (npm test)
//   node dev/test.mjs unit e2e             some suites (unit, collector, e2e)
//   node dev/test.mjs e2e/teams.test.mjs   some end-to-end files (after bundling)
//   node dev/test.mjs --overlap            jest beside the end-to-end files too:
//                                          faster, for when jest no longer
//                                          depends on real time
//   node dev/test.mjs --serial             one thing at a time (a machine busy
//                                          with other work)
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * End-to-end files that take longest, started first so that the others run
 * beside them (the rest follow in name order).
 */
const LONGEST_FIRST = ['e2e/burst.test.mjs', 'e2e/dataLoss.test.mjs', 'e2e/devApp.test.mjs', 'e2e/privacy.test.mjs'];

const argv = process.argv.slice(2);
const serial = argv.includes('--serial');
const overlap = argv.includes('--overlap');
const e2eConcurrency = Number(process.env.E2E_CONCURRENCY ?? (serial ? 1 : 2));
if (!Number.isInteger(e2eConcurrency) || e2eConcurrency < 1) {
  throw new Error(`E2E_CONCURRENCY must be a positive whole number; got ${process.env.E2E_CONCURRENCY}`);
}

/** @typedef {{ name: string, ok: boolean, seconds: number }} Outcome */

/** @type {Outcome[]} */
const outcomes = [];
const started = performance.now();
const env = { ...process.env, CI: 'true', PATH: [join(ROOT, 'node_modules', '.bin'), process.env.PATH].join(delimiter) };

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
  if (!['--serial', '--overlap'].includes(flag)) throw new Error(`unknown option ${flag}: --serial or --overlap`);
}
const wants = (/** @type {string} */ suite) => (suites.length === 0 && files.length === 0) || suites.includes(suite);
const withE2e = wants('e2e') || files.length > 0;

/** @type {Array<() => Promise<unknown>>} jobs of phase 1 */
const first = [];
if (wants('unit')) first.push(() => run('unit tests (jest)', 'backstage-cli', ['package', 'test', '--no-watch']));
if (wants('collector')) first.push(() => run('collector tests', process.execPath, ['--test', '--test-reporter=spec', 'dev/collector/', 'scripts/']));
const bundle = () => run('e2e apps bundle', process.execPath, ['e2e/support/buildApp.mjs']);
const bundledThenE2e = async () => {
  if (await bundle()) await e2e(e2eFiles(files));
};
const loadBefore = loadavg()[0];
if (serial) {
  for (const job of first) await job();
  if (withE2e) await bundledThenE2e();
} else if (overlap) {
  await Promise.all([...first.map(job => job()), withE2e && bundledThenE2e()]);
} else {
  const [bundled] = await Promise.all([withE2e && bundle(), ...first.map(job => job())]);
  if (bundled) await e2e(e2eFiles(files));
}

const failed = outcomes.filter(o => !o.ok);
const load = `load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end, ${cpus().length} cores`;
console.log(`\n${'='.repeat(8)} summary (${((performance.now() - started) / 1000).toFixed(1)} s in all${serial ? ', --serial' : ''}${overlap ? ', --overlap' : ''}; ${load})`);
for (const o of outcomes) console.log(`${o.ok ? 'passed' : 'FAILED'}  ${o.seconds.toFixed(1).padStart(6)} s  ${o.name}`);
if (failed.length) {
  console.log(`${failed.length} FAILED: ${failed.map(o => o.name).join(', ')}`);
  process.exitCode = 1;
}
