#!/usr/bin/env node
// @ts-check
// `npm run test:rhdh`: the RHDH dynamic plugin tests (e2e/rhdh/rhdh.test.mjs,
// the frontend module; e2e/rhdh/backend.test.mjs, the backend plugin, and
// yarnLock.test.mjs, the lockfile its export writes) under a
// hard time-out (RHDH_TEST_TIMEOUT_S, default 1500 s: the whole process group
// is killed when it is up), then a check that the work tree is as it was
// (exported files are gitignored; nothing else may change).
import { execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const LIMIT_S = Number(process.env.RHDH_TEST_TIMEOUT_S ?? 1500);

/** `git status --porcelain`, or undefined outside a git work tree. */
function treeState() {
  try {
    return execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' });
  } catch {
    return undefined;
  }
}

const started = Date.now();
const before = treeState();
// --test-force-exit: the Backstage backend of backend.test.mjs leaves database pool timers after stop.
const TESTS = ['e2e/rhdh/yarnLock.test.mjs', 'e2e/rhdh/rhdh.test.mjs', 'e2e/rhdh/backend.test.mjs'];
const child = spawn(process.execPath, ['--test', '--test-force-exit', '--test-concurrency=1', ...TESTS], {
  cwd: ROOT,
  stdio: 'inherit',
  detached: true,
});
let timedOut = false;
/** Sends `signal` to the test's process group (the test runner, its test process, the export and its CLI). */
function signalGroup(/** @type {NodeJS.Signals} */ signal) {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * SIGTERM first, so that playwright closes Chromium (it runs in a process
 * group of its own), then SIGKILL for whatever is left after 10 s.
 */
function stopGroup() {
  signalGroup('SIGTERM');
  setTimeout(() => signalGroup('SIGKILL'), 10_000).unref();
}

const timer = setTimeout(() => {
  timedOut = true;
  console.error(`test:rhdh: time-out after ${LIMIT_S} s: stopping the test and everything it started`);
  stopGroup();
}, LIMIT_S * 1000);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    stopGroup();
    setTimeout(() => process.exit(130), 11_000);
  });
}

child.on('exit', code => {
  clearTimeout(timer);
  const seconds = Math.round((Date.now() - started) / 1000);
  let failed = timedOut || code !== 0;
  const after = treeState();
  if (before !== undefined && after !== before) {
    console.error(`test:rhdh: the work tree changed (generated files must be gitignored):\n--- before\n${before}--- after\n${after}`);
    failed = true;
  }
  console.log(`test:rhdh: ${failed ? 'FAILED' : 'passed'} in ${seconds} s${before === undefined ? ' (not a git work tree: cleanliness not checked)' : ''}`);
  process.exit(failed ? 1 : 0);
});
