#!/usr/bin/env node
// @ts-check
// `npm run test:rhdh`: the RHDH dynamic plugin test (e2e/rhdh/rhdh.test.mjs)
// under a hard time-out (RHDH_TEST_TIMEOUT_S, default 1500 s: the whole
// process group is killed when it is up), then a check that the work tree is
// as it was (exported files are gitignored; nothing else may change).
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
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', 'e2e/rhdh/rhdh.test.mjs'], {
  cwd: ROOT,
  stdio: 'inherit',
  detached: true,
});
let timedOut = false;
const timer = setTimeout(() => {
  timedOut = true;
  console.error(`test:rhdh: time-out after ${LIMIT_S} s: stopping the test and everything it started`);
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}, LIMIT_S * 1000);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    process.exit(130);
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
